import {
  Acks,
  type DataPlaneClient,
  ErrorCode,
  errorToWire,
  type FetchRequest,
  type FetchResponse,
  type GroupOp,
  type GroupRequest,
  type GroupRequestOf,
  type GroupResponse,
  groupErrorResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type Logger,
  NO_ERROR,
  OffsetSpec,
  type OffsetsForLeaderEpochRequest,
  type OffsetsForLeaderEpochResponse,
  type ProduceRequest,
  type ProduceResponse,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'
import type { GroupCoordinator } from '../coordinator/index.ts'
import type { LedPartition, ReplicaManager } from '../replica/index.ts'
import type { ReplicaLeaders } from '../replication/index.ts'
import { concatBatches, producedBatches } from './batches.ts'

export interface DataPlaneHandlerOptions {
  readonly replicas: ReplicaManager
  /** The leader side of replication: high watermarks, follower positions, acks=all waits. */
  readonly leaders: ReplicaLeaders
  readonly logger?: Logger
  /** Serves the Group API; without one, group requests get COORDINATOR_NOT_AVAILABLE. */
  readonly coordinator?: Pick<GroupCoordinator, 'handle'>
  /** Clock for long-poll deadlines. Default Date.now. */
  readonly now?: () => number
}

/** The offsets a response reports about a log, or -1s when there is no log to ask. */
interface LogOffsets {
  readonly highWatermark: number
  readonly logStartOffset: number
  readonly logEndOffset: number
}

const NO_OFFSETS: LogOffsets = { highWatermark: -1, logStartOffset: -1, logEndOffset: -1 }

/**
 * Serves Produce, Fetch and ListOffsets for the partitions this broker leads, and the Group API
 * through its group coordinator: the broker's data plane as a {@link DataPlaneClient}, so the
 * TCP server and combined mode (an in-process call) share it. Failures come back in the
 * response (errorCode, or a Group error); the promises never reject.
 *
 * A produce with acks=all is answered once the high watermark covers it (every ISR member holds
 * it), and refused before the append while the ISR is smaller than min.insync.replicas. Fetches
 * from followers report their position to the leader side ({@link ReplicaLeaders}) and read up to
 * the log end; consumers read up to the high watermark.
 */
export class DataPlaneHandler implements DataPlaneClient {
  readonly #replicas: ReplicaManager
  readonly #leaders: ReplicaLeaders
  readonly #logger: Logger
  readonly #coordinator: Pick<GroupCoordinator, 'handle'> | undefined
  readonly #now: () => number
  readonly #closing = new AbortController()

  constructor(options: DataPlaneHandlerOptions) {
    this.#replicas = options.replicas
    this.#leaders = options.leaders
    this.#coordinator = options.coordinator
    this.#logger = (options.logger ?? silentLogger).child({ component: 'data-plane' })
    this.#now = options.now ?? Date.now
  }

  /**
   * Appends the request's batches to the partition as its leader; the first batch's base offset
   * is the answer. The batches are stamped in place (offsets, leader epoch), as the log takes
   * buffers without copying: the caller must not reuse `request.records`.
   */
  async produce(request: ProduceRequest): Promise<ProduceResponse> {
    let log: PartitionLog | undefined
    try {
      const led = this.#leaderOf(request.topic, request.partition)
      if (
        request.acks === Acks.All &&
        led.state.isr.length < led.replica.config.minInsyncReplicas
      ) {
        throw new TributaryError(
          ErrorCode.NotEnoughReplicas,
          `${request.topic}-${request.partition} has ${led.state.isr.length} in-sync replica(s), fewer than min.insync.replicas ${led.replica.config.minInsyncReplicas}`,
        )
      }
      log = await led.replica.ready()
      const batches = producedBatches(request.records, log.config.maxMessageBytes)
      const epoch = led.state.leaderEpoch
      // Still the leader at that epoch after the await, checked in the same turn as the appends
      // are queued: once the image says otherwise, no leader append can reach the log, so a
      // follower that waits for the queued ones (ReplicaFetchers) truncates after all of them.
      requireStillLeader(this.#replicas.leaderOf(request.topic, request.partition), led)
      const appended = await Promise.all(
        batches.map((batch) => (log as PartitionLog).append(batch, epoch)),
      )
      const leadership = this.#leaders.afterAppend(led, log)
      led.replica.notify()
      const first = appended[0]
      const last = appended.at(-1)
      if (request.acks === Acks.All && last !== undefined) {
        await leadership.waitForCommit(log, last.lastOffset + 1, request.timeoutMs)
        requireMinIsrAfterAppend(this.#replicas.leaderOf(request.topic, request.partition))
      }
      return {
        ...NO_ERROR,
        baseOffset: first?.baseOffset ?? -1,
        logAppendTime: first?.logAppendTime ?? -1,
        logStartOffset: log.logStartOffset,
      }
    } catch (error) {
      this.#logFailure('produce', request, error)
      return {
        ...errorToWire(error),
        baseOffset: -1,
        logAppendTime: -1,
        logStartOffset: log?.logStartOffset ?? -1,
      }
    }
  }

  /**
   * Reads stored batches from `fetchOffset`: consumers up to the high watermark, followers (a
   * replicaId among the partition's replicas) up to the log end. With `maxWaitMs`, waits until
   * at least `minBytes` can be returned, woken by appends, not by polling.
   */
  async fetch(request: FetchRequest): Promise<FetchResponse> {
    let offsets = NO_OFFSETS
    try {
      const deadline = this.#now() + Math.max(0, request.maxWaitMs)
      // Refused once the handler is closed; a fetch already waiting answers with what it has.
      let led = this.#leaderOf(request.topic, request.partition)
      const isFollower = request.replicaId >= 0 && led.state.replicas.includes(request.replicaId)
      let first = true
      for (;;) {
        checkLeaderEpoch(request, led)
        const log = await led.replica.ready()
        if (isFollower && first) {
          this.#leaders.onFollowerFetch(led, log, request.replicaId, request.fetchOffset)
        } else this.#leaders.refresh(led, log)
        first = false
        offsets = offsetsOf(log)
        const upTo = isFollower ? log.logEndOffset : log.highWatermark
        const read = log.read(request.fetchOffset, request.maxBytes, upTo)
        const remaining = deadline - this.#now()
        if (read.sizeBytes >= request.minBytes || remaining <= 0 || this.#closing.signal.aborted) {
          return { ...NO_ERROR, ...offsets, records: concatBatches(read.batches, read.sizeBytes) }
        }
        await led.replica.waitForChange(remaining, this.#closing.signal)
        led = this.#replicas.leaderOf(request.topic, request.partition)
      }
    } catch (error) {
      this.#logFailure('fetch', request, error)
      return { ...errorToWire(error), ...offsets, records: new Uint8Array(0) }
    }
  }

  /** The log start offset (earliest, -2) or the high watermark (latest, -1). */
  async listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    let offsets = NO_OFFSETS
    try {
      const led = this.#leaderOf(request.topic, request.partition)
      const log = await led.replica.ready()
      this.#leaders.refresh(led, log)
      offsets = offsetsOf(log)
      const { highWatermark, logStartOffset } = offsets
      switch (request.timestamp) {
        case OffsetSpec.Earliest:
          return { ...NO_ERROR, offset: logStartOffset, highWatermark, logStartOffset }
        case OffsetSpec.Latest:
          return { ...NO_ERROR, offset: highWatermark, highWatermark, logStartOffset }
        default:
          throw new TributaryError(
            ErrorCode.InvalidRequest,
            `ListOffsets by timestamp (${request.timestamp}) is not supported yet; use -2 (earliest) or -1 (latest)`,
          )
      }
    } catch (error) {
      this.#logFailure('listOffsets', request, error)
      return {
        ...errorToWire(error),
        offset: -1,
        highWatermark: offsets.highWatermark,
        logStartOffset: offsets.logStartOffset,
      }
    }
  }

  /**
   * Where `request.leaderEpoch` ends in this leader's log (KIP-101/279), for a follower about to
   * truncate. An epoch this leader has no batches of, up to its current one, ends at its log end:
   * a new leader that has not appended yet has not written its epoch into its log, and a
   * follower asking with an epoch between learns that the leader's log ends there.
   */
  async offsetsForLeaderEpoch(
    request: OffsetsForLeaderEpochRequest,
  ): Promise<OffsetsForLeaderEpochResponse> {
    try {
      const led = this.#leaderOf(request.topic, request.partition)
      checkLeaderEpoch(request, led)
      const log = await led.replica.ready()
      const known = log.endOffsetForEpoch(request.leaderEpoch)
      if (
        known.epoch < 0 &&
        request.leaderEpoch >= 0 &&
        request.leaderEpoch <= led.state.leaderEpoch &&
        request.leaderEpoch > log.latestEpoch
      ) {
        return { ...NO_ERROR, leaderEpoch: log.latestEpoch, endOffset: log.logEndOffset }
      }
      return { ...NO_ERROR, leaderEpoch: known.epoch, endOffset: known.endOffset }
    } catch (error) {
      this.#logFailure('offsetsForLeaderEpoch', request, error)
      return { ...errorToWire(error), leaderEpoch: -1, endOffset: -1 }
    }
  }

  /** An operation of the group coordinator; its failures come back as an error response. */
  async group<Op extends GroupOp>(request: GroupRequestOf<Op>): Promise<GroupResponse<Op>> {
    try {
      if (this.#closing.signal.aborted) {
        throw new TributaryError(ErrorCode.NotCoordinator, 'the broker is shutting down')
      }
      if (this.#coordinator === undefined) {
        throw new TributaryError(
          ErrorCode.CoordinatorNotAvailable,
          `broker ${this.#replicas.brokerId} runs no group coordinator`,
        )
      }
      const result = await this.#coordinator.handle(request as GroupRequest)
      return { ok: true, result } as GroupResponse<Op>
    } catch (error) {
      const fields = {
        api: 'group',
        op: request.op,
        group: 'group' in request ? request.group : null,
      }
      if (error instanceof TributaryError) {
        this.#logger.debug(
          { ...fields, code: error.code, reason: error.message },
          'request refused',
        )
      } else {
        this.#logger.error({ ...fields, err: error }, 'request failed')
      }
      return groupErrorResponse(error) as GroupResponse<Op>
    }
  }

  /**
   * Stops serving: waiting fetches answer at once with what they have, and new requests get
   * NOT_LEADER_OR_FOLLOWER. The broker calls this when it shuts down; an in-process caller that
   * only wants to let go of its client should not (see {@link inProcessClient}).
   */
  async close(): Promise<void> {
    this.#closing.abort()
  }

  #leaderOf(topic: string, partition: number): LedPartition {
    if (this.#closing.signal.aborted) {
      throw new TributaryError(ErrorCode.NotLeaderOrFollower, 'the broker is shutting down')
    }
    return this.#replicas.leaderOf(topic, partition)
  }

  #logFailure(
    api: string,
    request: { readonly topic: string; readonly partition: number },
    error: unknown,
  ): void {
    const fields = { api, topic: request.topic, partition: request.partition }
    if (error instanceof TributaryError && error.code !== ErrorCode.KafkaStorageError) {
      this.#logger.debug({ ...fields, code: error.code, reason: error.message }, 'request refused')
    } else {
      this.#logger.error({ ...fields, err: error }, 'request failed')
    }
  }
}

/**
 * A view of `handler` whose `close` does nothing: what combined mode hands to an in-process
 * caller (the gateway), so that letting go of the client does not stop the broker.
 */
export function inProcessClient(handler: DataPlaneClient): DataPlaneClient {
  return {
    produce: (request) => handler.produce(request),
    fetch: (request) => handler.fetch(request),
    listOffsets: (request) => handler.listOffsets(request),
    offsetsForLeaderEpoch: (request) => handler.offsetsForLeaderEpoch(request),
    group: (request) => handler.group(request),
    close: async () => {},
  }
}

/** NOT_LEADER_OR_FOLLOWER unless `now` is the same leadership as `before` (same replica, same epoch). */
function requireStillLeader(now: LedPartition, before: LedPartition): void {
  if (now.replica !== before.replica || now.state.leaderEpoch !== before.state.leaderEpoch) {
    throw new TributaryError(
      ErrorCode.NotLeaderOrFollower,
      `the leadership of ${before.topic.name}-${before.state.partition} changed while the request waited`,
    )
  }
}

/**
 * Kafka answers an acks=all write that reached every ISR member while the ISR had shrunk below
 * min.insync.replicas with NOT_ENOUGH_REPLICAS_AFTER_APPEND: stored, but not as durable as asked.
 */
function requireMinIsrAfterAppend(led: LedPartition): void {
  const min = led.replica.config.minInsyncReplicas
  if (led.state.isr.length < min) {
    throw new TributaryError(
      ErrorCode.NotEnoughReplicasAfterAppend,
      `the write is stored, but ${led.topic.name}-${led.state.partition} has ${led.state.isr.length} in-sync replica(s), fewer than min.insync.replicas ${min}`,
    )
  }
}

/** KIP-320: a fetcher that knows an older leader epoch is fenced; a newer one is unknown here. */
function checkLeaderEpoch(
  request: Pick<FetchRequest, 'currentLeaderEpoch'>,
  led: LedPartition,
): void {
  const wanted = request.currentLeaderEpoch
  if (wanted < 0) return
  const current = led.state.leaderEpoch
  if (wanted < current) {
    throw new TributaryError(
      ErrorCode.FencedLeaderEpoch,
      `leader epoch ${wanted} is older than the current ${current}`,
    )
  }
  if (wanted > current) {
    throw new TributaryError(
      ErrorCode.UnknownLeaderEpoch,
      `leader epoch ${wanted} is newer than this leader's ${current}`,
    )
  }
}

function offsetsOf(log: PartitionLog): LogOffsets {
  return {
    highWatermark: log.highWatermark,
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
  }
}
