import {
  type CommittedOffset,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  decodeRecordBatches,
  type Logger,
  OFFSETS_TOPIC,
} from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'
import {
  decodeInstanceKey,
  decodeInstanceValue,
  type InstanceRecordValue,
} from './instance-record.ts'

/**
 * Reading a `__consumer_offsets` partition back when a broker takes it over: every committed
 * offset and consumer instance its records hold, in log order, so the latest record for a key
 * wins as it did on the coordinator that wrote it.
 */

/** Bytes read from the log per step of a replay. */
const REPLAY_READ_BYTES = 1 << 20

/** A record of the partition, decoded: `offset` or `value` null for a tombstone. */
export type ReplayedRecord =
  | {
      readonly kind: 'commit'
      readonly group: string
      readonly topic: string
      readonly partition: number
      readonly offset: CommittedOffset | null
    }
  | {
      readonly kind: 'instance'
      readonly group: string
      readonly instance: string
      readonly value: InstanceRecordValue | null
    }

/** How many records of each kind a replay applied. */
export interface ReplayCounts {
  readonly commits: number
  readonly instances: number
}

/**
 * Reads `log` from its start to its end and hands every offset commit and instance record to
 * `apply` in log order. Records of other kinds (Kafka's group metadata, kinds of a later
 * version) are skipped, as are records that do not decode (logged). Yields to the event loop
 * between reads, so a long replay does not stall the broker.
 */
export async function replayOffsetsLog(
  log: PartitionLog,
  apply: (record: ReplayedRecord) => void,
  logger: Logger,
): Promise<ReplayCounts> {
  // To the log end, not the high watermark, as Kafka's coordinator loads: a new leader's high
  // watermark may trail commits the old leader acknowledged until followers fetch again, and a
  // leader never truncates its own log, so everything it holds will commit.
  const end = log.logEndOffset
  let offset = log.logStartOffset
  let commits = 0
  let instances = 0
  while (offset < end) {
    const read = log.read(offset, REPLAY_READ_BYTES, end)
    if (read.batches.length === 0) break
    for (const batch of read.batches) {
      for (const { header, records } of decodeRecordBatches(batch)) {
        if (header.isControl) continue
        for (const record of records) {
          let replayed: ReplayedRecord | undefined
          try {
            replayed = readOffsetsRecord(record.key, record.value)
          } catch (error) {
            logger.warn(
              { err: error, offset: record.offset },
              `skipped an undecodable record of ${OFFSETS_TOPIC}`,
            )
            continue
          }
          if (replayed === undefined) continue
          apply(replayed)
          if (replayed.kind === 'commit') commits++
          else instances++
        }
      }
    }
    offset = read.nextOffset
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { commits, instances }
}

/**
 * One record of `__consumer_offsets` by its key's kind: an offset commit (Kafka's key versions
 * 0 and 1), a consumer instance (version 1000), or undefined for any other kind and for a
 * record without a key. Throws CorruptRecordError for a record of a known kind that does not
 * decode.
 */
export function readOffsetsRecord(
  key: Uint8Array | null,
  value: Uint8Array | null,
): ReplayedRecord | undefined {
  if (key === null) return undefined
  const commit = decodeOffsetCommitKey(key)
  if (commit !== undefined) {
    if (value === null) return { kind: 'commit', ...commit, offset: null }
    const { offset, metadata } = decodeOffsetCommitValue(value)
    return {
      kind: 'commit',
      ...commit,
      offset: { topic: commit.topic, partition: commit.partition, offset, metadata },
    }
  }
  const instance = decodeInstanceKey(key)
  if (instance === undefined) return undefined
  return {
    kind: 'instance',
    ...instance,
    value: value === null ? null : decodeInstanceValue(value),
  }
}
