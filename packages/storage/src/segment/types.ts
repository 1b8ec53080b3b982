/** One stored batch: its header fields as columns, and the batch bytes unchanged. */
export interface BatchRow {
  readonly baseOffset: number
  readonly lastOffset: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly leaderEpoch: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordCount: number
  readonly attributes: number
  readonly sizeBytes: number
  readonly bytes: Uint8Array
}

/** What a segment knows about itself without scanning. */
export interface SegmentSummary {
  readonly baseOffset: number
  /** One past the last offset stored; the base offset while empty. */
  readonly nextOffset: number
  readonly sizeBytes: number
  readonly batchCount: number
  /** The largest batch max timestamp stored, -1 while empty. */
  readonly maxTimestamp: number
  /** Wall-clock time of the first append, null while empty. */
  readonly createdAtMs: number | null
}

export interface EpochStart {
  readonly epoch: number
  readonly startOffset: number
}

/** `synchronous=FULL` fsyncs the WAL on every commit; `NORMAL` leaves it to the OS until a checkpoint. */
export type Synchronous = 'FULL' | 'NORMAL'
