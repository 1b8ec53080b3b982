import {
  batchSizeOf,
  CorruptRecordError,
  ErrorCode,
  lastOffsetOf,
  type RecordBatchHeader,
  RecordTooLargeError,
  readBatchHeader,
  splitBatches,
  TributaryError,
  UnexpectedAppendOffsetError,
  verifyBatchCrc,
} from '@tributary/core'
import type { BatchRow } from '../segment/index.ts'

/** A batch that passed its checks, with the header read from it. */
export interface CheckedBatch {
  readonly header: RecordBatchHeader
  readonly bytes: Uint8Array
}

/**
 * Checks a producer's batch before a leader appends it: exactly one RecordBatch v2 (magic and
 * length checked by the header reader), no larger than `max.message.bytes`, CRC intact, records
 * numbered 0…n-1. No copy is made: the log takes the buffer and later stamps it in place (see
 * PartitionLog.append), which saves a copy of every produced byte on the hot path.
 */
export function checkLeaderBatch(bytes: Uint8Array, maxMessageBytes: number): CheckedBatch {
  const header = readBatchHeader(bytes)
  const size = batchSizeOf(header)
  if (size !== bytes.length) {
    throw new CorruptRecordError(
      `expected exactly one record batch of ${size} bytes, got ${bytes.length} bytes`,
    )
  }
  if (size > maxMessageBytes) {
    throw new RecordTooLargeError(
      `record batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`,
    )
  }
  verifyBatchCrc(bytes)
  if (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) {
    throw new TributaryError(
      ErrorCode.InvalidRecord,
      `record batch claims ${header.recordCount} record(s) with last offset delta ${header.lastOffsetDelta}`,
    )
  }
  return { header, bytes }
}

/**
 * Checks batches a follower copies from its leader: each CRC intact, offsets contiguous from one
 * batch to the next. Offsets and leader epochs are the leader's and are kept. Accepts the
 * fetched bytes as one buffer or as separate batches, without copying them.
 */
export function checkFollowerBatches(input: Uint8Array | readonly Uint8Array[]): CheckedBatch[] {
  const parts = input instanceof Uint8Array ? splitBatches(input) : input
  const checked: CheckedBatch[] = []
  for (const bytes of parts) {
    const header = readBatchHeader(bytes)
    if (batchSizeOf(header) !== bytes.length) {
      throw new CorruptRecordError(
        `batch at offset ${header.baseOffset}: ${bytes.length} bytes given, its header says ${batchSizeOf(header)}`,
      )
    }
    verifyBatchCrc(bytes)
    if (header.lastOffsetDelta < 0) {
      throw new CorruptRecordError(
        `batch at offset ${header.baseOffset} has last offset delta ${header.lastOffsetDelta}`,
      )
    }
    const previous = checked.at(-1)
    if (previous !== undefined && header.baseOffset !== lastOffsetOf(previous.header) + 1) {
      throw new UnexpectedAppendOffsetError(
        `follower batches are not contiguous: batch at ${header.baseOffset} follows one ending at ${lastOffsetOf(previous.header)}`,
      )
    }
    checked.push({ header, bytes })
  }
  return checked
}

/** The row that stores a batch; the header must describe `bytes` as they will be stored. */
export function rowOf(header: RecordBatchHeader, bytes: Uint8Array): BatchRow {
  return {
    baseOffset: header.baseOffset,
    lastOffset: lastOffsetOf(header),
    baseTimestamp: header.baseTimestamp,
    maxTimestamp: header.maxTimestamp,
    leaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    recordCount: header.recordCount,
    attributes: header.attributes,
    sizeBytes: bytes.length,
    bytes,
  }
}
