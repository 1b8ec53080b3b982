import {
  Acks,
  ErrorCode as Codes,
  type CommittedOffset,
  type ErrorCode,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  encodeRecordBatch,
  errorFromWire,
  OFFSETS_TOPIC,
  type ProduceRequest,
  type ProduceResponse,
  type RecordInput,
  TributaryError,
} from '@tributary/core'
import {
  encodeInstanceKey,
  encodeInstanceValue,
  type InstanceRecordValue,
} from './instance-record.ts'

/**
 * The coordinator's writes to `__consumer_offsets` (committed offsets and consumer instances),
 * appended through the broker's own produce path with acks=all, so the partition's high
 * watermark and replication rules apply to them as to any record, and a write is answered only
 * once every in-sync replica has it. offsets-replay.ts reads them back.
 */

/** How the store appends: the broker's DataPlaneHandler.produce. */
export type Produce = (request: ProduceRequest) => Promise<ProduceResponse>

/** The coordinator error a failed append stands for, as Kafka's coordinator maps them. */
const appendErrors: Partial<Record<ErrorCode, ErrorCode>> = {
  [Codes.NotLeaderOrFollower]: Codes.NotCoordinator,
  [Codes.KafkaStorageError]: Codes.NotCoordinator,
  [Codes.UnknownTopicOrPartition]: Codes.CoordinatorNotAvailable,
  [Codes.NotEnoughReplicas]: Codes.CoordinatorNotAvailable,
  [Codes.NotEnoughReplicasAfterAppend]: Codes.CoordinatorNotAvailable,
  [Codes.RequestTimedOut]: Codes.CoordinatorNotAvailable,
}

/** A commit too large for the log is the client's fault (Kafka's OffsetCommit answers so). */
const commitErrors: Partial<Record<ErrorCode, ErrorCode>> = {
  ...appendErrors,
  [Codes.MessageTooLarge]: Codes.InvalidCommitOffsetSize,
}

/** Where an append goes and how long it may wait for the in-sync replicas. */
export interface AppendTarget {
  /** The `__consumer_offsets` partition of the group. */
  readonly partition: number
  readonly group: string
  readonly nowMs: number
  readonly timeoutMs: number
}

/**
 * Appends one batch holding a record per offset (key and value in Kafka's layout), resolving
 * once the log has committed it. A failed append throws the commit error it maps to
 * (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, INVALID_COMMIT_OFFSET_SIZE …); then nothing was
 * committed.
 */
export function appendCommits(
  produce: Produce,
  target: AppendTarget,
  offsets: readonly CommittedOffset[],
): Promise<void> {
  const { group, nowMs } = target
  const records = offsets.map(({ topic, partition, offset, metadata }) => ({
    key: encodeOffsetCommitKey({ group, topic, partition }),
    value: encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata, commitTimestamp: nowMs }),
    timestamp: nowMs,
  }))
  return append(produce, target, records, commitErrors, `commit offsets of group ${group}`)
}

/** One consumer instance's record: its state, or null (a tombstone) once it is gone. */
export interface InstanceWrite {
  readonly instance: string
  readonly value: InstanceRecordValue | null
}

/**
 * Appends one batch holding a record per instance (instance-record.ts), resolving once the log
 * has committed it; a failed append throws as {@link appendCommits} does, and then nothing was
 * committed.
 */
export function appendInstances(
  produce: Produce,
  target: AppendTarget,
  writes: readonly InstanceWrite[],
): Promise<void> {
  const { group, nowMs } = target
  const records = writes.map(({ instance, value }) => ({
    key: encodeInstanceKey({ group, instance }),
    value: value === null ? null : encodeInstanceValue(value),
    timestamp: nowMs,
  }))
  const names = writes.map(({ instance }) => instance).join(', ')
  return append(
    produce,
    target,
    records,
    appendErrors,
    `store instance(s) ${names} of group ${group}`,
  )
}

/**
 * Appends not yet settled, by `__consumer_offsets` partition, so a replay of a partition starts
 * only once every append made to it before has committed or failed.
 */
export class PendingAppends {
  readonly #byPartition = new Map<number, Set<Promise<unknown>>>()

  /** Follows `append` until it settles. */
  track(partition: number, append: Promise<unknown>): void {
    let pending = this.#byPartition.get(partition)
    if (pending === undefined) {
      pending = new Set()
      this.#byPartition.set(partition, pending)
    }
    const tracked = pending
    tracked.add(append)
    const forget = () => {
      tracked.delete(append)
      if (tracked.size === 0 && this.#byPartition.get(partition) === tracked) {
        this.#byPartition.delete(partition)
      }
    }
    append.then(forget, forget)
  }

  /** Resolves once every append to `partition` tracked so far has settled, either way. */
  async settled(partition: number): Promise<void> {
    await Promise.allSettled([...(this.#byPartition.get(partition) ?? [])])
  }
}

async function append(
  produce: Produce,
  target: AppendTarget,
  records: readonly RecordInput[],
  errors: Partial<Record<ErrorCode, ErrorCode>>,
  what: string,
): Promise<void> {
  if (records.length === 0) return
  const response = await produce({
    topic: OFFSETS_TOPIC,
    partition: target.partition,
    acks: Acks.All,
    timeoutMs: target.timeoutMs,
    records: encodeRecordBatch(records),
  })
  const error = errorFromWire(response.errorCode, response.errorMessage)
  if (error === undefined) return
  throw new TributaryError(
    errors[error.code] ?? Codes.UnknownServerError,
    `could not ${what} to ${OFFSETS_TOPIC}-${target.partition}: ${error.message}`,
    { cause: error },
  )
}
