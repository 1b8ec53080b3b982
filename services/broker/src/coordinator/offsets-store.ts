import {
  Acks,
  ErrorCode as Codes,
  type CommittedOffset,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  decodeRecordBatches,
  type ErrorCode,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  encodeRecordBatch,
  errorFromWire,
  type Logger,
  OFFSETS_TOPIC,
  type ProduceRequest,
  type ProduceResponse,
  TributaryError,
} from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'

/**
 * Committed offsets as records of `__consumer_offsets`: appended through the broker's own
 * produce path (so the partition's high watermark and replication rules apply to them as to any
 * record), and read back from the log when a broker takes over a partition.
 */

/** How the store appends: the broker's DataPlaneHandler.produce. */
export type Produce = (request: ProduceRequest) => Promise<ProduceResponse>

/** Bytes read from the log per step of a replay. */
const REPLAY_READ_BYTES = 1 << 20

/** The commit error a failed append stands for, as Kafka's coordinator maps them. */
const commitErrors: Partial<Record<ErrorCode, ErrorCode>> = {
  [Codes.NotLeaderOrFollower]: Codes.NotCoordinator,
  [Codes.KafkaStorageError]: Codes.NotCoordinator,
  [Codes.UnknownTopicOrPartition]: Codes.CoordinatorNotAvailable,
  [Codes.NotEnoughReplicas]: Codes.CoordinatorNotAvailable,
  [Codes.RequestTimedOut]: Codes.CoordinatorNotAvailable,
  [Codes.MessageTooLarge]: Codes.InvalidCommitOffsetSize,
}

/**
 * Appends one batch holding a record per offset (key and value in Kafka's layout) to
 * `__consumer_offsets`-`partition` with acks=all, resolving once the log has committed it. A
 * failed append throws the commit error it maps to (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE,
 * INVALID_COMMIT_OFFSET_SIZE …); then nothing was committed.
 */
export async function appendCommits(
  produce: Produce,
  options: {
    readonly partition: number
    readonly group: string
    readonly offsets: readonly CommittedOffset[]
    readonly nowMs: number
    readonly timeoutMs: number
  },
): Promise<void> {
  const { group, nowMs } = options
  const records = options.offsets.map(({ topic, partition, offset, metadata }) => ({
    key: encodeOffsetCommitKey({ group, topic, partition }),
    value: encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata, commitTimestamp: nowMs }),
    timestamp: nowMs,
  }))
  const response = await produce({
    topic: OFFSETS_TOPIC,
    partition: options.partition,
    acks: Acks.All,
    timeoutMs: options.timeoutMs,
    records: encodeRecordBatch(records),
  })
  const error = errorFromWire(response.errorCode, response.errorMessage)
  if (error === undefined) return
  const code = commitErrors[error.code] ?? Codes.UnknownServerError
  throw new TributaryError(
    code,
    `could not commit offsets of group ${group} to ${OFFSETS_TOPIC}-${options.partition}: ${error.message}`,
    { cause: error },
  )
}

/** One committed offset read back; `offset` null for a tombstone, which deletes the commit. */
export interface ReplayedCommit {
  readonly group: string
  readonly topic: string
  readonly partition: number
  readonly offset: CommittedOffset | null
}

/**
 * Reads `log` from its start to its end and hands every offset commit to `apply`
 * in log order. Records of other kinds (Kafka's group metadata) are skipped, as are records
 * that do not decode (logged). Yields to the event loop between reads, so a long replay does
 * not stall the broker. Returns the number of commits applied.
 */
export async function replayOffsets(
  log: PartitionLog,
  apply: (commit: ReplayedCommit) => void,
  logger: Logger,
): Promise<number> {
  // To the log end, not the high watermark, as Kafka's coordinator loads: a new leader's high
  // watermark may trail commits the old leader acknowledged until followers fetch again, and a
  // leader never truncates its own log, so everything it holds will commit.
  const end = log.logEndOffset
  let offset = log.logStartOffset
  let applied = 0
  while (offset < end) {
    const read = log.read(offset, REPLAY_READ_BYTES, end)
    if (read.batches.length === 0) break
    for (const batch of read.batches) {
      for (const { header, records } of decodeRecordBatches(batch)) {
        if (header.isControl) continue
        for (const record of records) {
          const commit = decodeRecord(record.key, record.value, record.offset, logger)
          if (commit === undefined) continue
          apply(commit)
          applied++
        }
      }
    }
    offset = read.nextOffset
    await new Promise((resolve) => setImmediate(resolve))
  }
  return applied
}

function decodeRecord(
  keyBytes: Uint8Array | null,
  valueBytes: Uint8Array | null,
  offset: number,
  logger: Logger,
): ReplayedCommit | undefined {
  if (keyBytes === null) return undefined
  try {
    const key = decodeOffsetCommitKey(keyBytes)
    if (key === undefined) return undefined
    if (valueBytes === null) return { ...key, offset: null }
    const value = decodeOffsetCommitValue(valueBytes)
    return {
      ...key,
      offset: {
        topic: key.topic,
        partition: key.partition,
        offset: value.offset,
        metadata: value.metadata,
      },
    }
  } catch (error) {
    logger.warn({ err: error, offset }, `skipped an undecodable record of ${OFFSETS_TOPIC}`)
    return undefined
  }
}
