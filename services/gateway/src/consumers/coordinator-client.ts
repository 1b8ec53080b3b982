import {
  type ControllerClient,
  coordinatorPartition,
  ErrorCode,
  type GroupListing,
  type GroupOp,
  type GroupRequestOf,
  type GroupResult,
  groupResultOf,
  type Logger,
  OFFSETS_TOPIC,
  TributaryError,
} from '@tributary/core'
import type { GatewayConfig } from '../config/index.ts'
import {
  type Leader,
  type LeaderRouter,
  type MetadataView,
  metadataOrTimeout,
} from '../routing/index.ts'
import { OffsetsTopic } from './offsets-topic.ts'

/** How long a group call keeps looking for its coordinator before it answers 50003. */
export const COORDINATOR_RETRY_TIMEOUT_MS = 10_000

/**
 * The coordinator's answers that mean "ask again, maybe elsewhere": it moved, it is still
 * loading the group, or it is not there yet. Everything else is the coordinator's verdict.
 */
const retryCodes: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.NotCoordinator,
  ErrorCode.CoordinatorLoadInProgress,
  ErrorCode.CoordinatorNotAvailable,
])

type GroupRequestWithGroup = Exclude<GroupRequestOf<GroupOp>, { op: 'listGroups' }>

/**
 * The gateway's way to the group coordinator. The gateway keeps no consumer state: every call
 * goes to the broker leading the group's `__consumer_offsets` partition in the current metadata
 * image (created through the controller on first use), and is sent again, after fresher
 * metadata or a backoff, while the coordinator moves, loads or cannot be reached, for up to
 * {@link COORDINATOR_RETRY_TIMEOUT_MS}; then it fails with a retriable COORDINATOR_NOT_AVAILABLE
 * (50003).
 */
export class CoordinatorClient {
  readonly #metadata: MetadataView
  readonly #router: LeaderRouter
  readonly #config: GatewayConfig
  readonly #logger: Logger
  readonly #offsetsTopic: OffsetsTopic
  readonly #retryTimeoutMs: number

  constructor(options: {
    metadata: MetadataView
    controller: ControllerClient
    router: LeaderRouter
    config: GatewayConfig
    logger: Logger
    retryTimeoutMs?: number
  }) {
    this.#metadata = options.metadata
    this.#router = options.router
    this.#config = options.config
    this.#logger = options.logger
    this.#retryTimeoutMs = options.retryTimeoutMs ?? COORDINATOR_RETRY_TIMEOUT_MS
    this.#offsetsTopic = new OffsetsTopic({
      metadata: options.metadata,
      controller: options.controller,
      partitions: options.config.offsetsTopicNumPartitions,
      timeoutMs: options.config.adminTimeoutMs,
    })
  }

  /** The coordinator's result for a group's request; its refusals thrown as TributaryErrors. */
  async call<Op extends GroupRequestWithGroup['op']>(
    request: GroupRequestOf<Op>,
  ): Promise<GroupResult<Op>> {
    const group = (request as GroupRequestWithGroup).group
    await this.#offsetsTopic.ensure()
    return this.#retrying(`the coordinator of group ${group}`, () => {
      const partitions = this.#metadata.image.topic(OFFSETS_TOPIC)?.partitions.length ?? 0
      if (partitions === 0) {
        return new TributaryError(ErrorCode.CoordinatorNotAvailable, `${OFFSETS_TOPIC} is gone`)
      }
      return this.#ask(coordinatorPartition(group, partitions), request)
    })
  }

  /**
   * Every group any coordinator knows: `listGroups` asked of each broker leading a partition of
   * `__consumer_offsets`. No such topic yet means no groups.
   */
  async listGroups(): Promise<GroupListing[]> {
    const topic = this.#metadata.image.topic(OFFSETS_TOPIC)
    if (topic === undefined) return []
    const byBroker = new Map<number, number>()
    for (const state of topic.partitions) {
      if (state.leader >= 0 && !byBroker.has(state.leader)) {
        byBroker.set(state.leader, state.partition)
      }
    }
    const answers = await Promise.all(
      [...byBroker.values()].map((partition) =>
        this.#retrying(`the coordinator of ${OFFSETS_TOPIC}-${partition}`, () =>
          this.#ask(partition, { op: 'listGroups' }),
        ),
      ),
    )
    const groups = new Map<string, GroupListing>()
    for (const answer of answers)
      for (const listing of answer.groups) {
        groups.set(listing.group, listing)
      }
    return [...groups.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
  }

  /** The broker coordinating `group` in the current image; undefined when there is none now. */
  coordinatorOf(group: string): number | undefined {
    const topic = this.#metadata.image.topic(OFFSETS_TOPIC)
    if (topic === undefined || topic.partitions.length === 0) return undefined
    const leader = topic.partitions[coordinatorPartition(group, topic.partitions.length)]?.leader
    return leader === undefined || leader < 0 ? undefined : leader
  }

  async #retrying<T>(what: string, attempt: () => Promise<T | TributaryError> | TributaryError) {
    const deadline = Date.now() + this.#retryTimeoutMs
    let backoff = this.#config.retryBackoffMs
    for (;;) {
      const outcome = await attempt()
      if (!(outcome instanceof TributaryError)) return outcome
      if (Date.now() + backoff > deadline) {
        throw new TributaryError(
          ErrorCode.CoordinatorNotAvailable,
          `${what} is not available: ${outcome.message}`,
          { cause: outcome, retriable: true },
        )
      }
      this.#logger.debug({ err: outcome, what }, 'retrying a group call')
      await metadataOrTimeout(this.#metadata, backoff)
      backoff = Math.min(backoff * 2, this.#config.retryBackoffMaxMs)
    }
  }

  /**
   * One attempt at the leader of an offsets partition: its result, a TributaryError worth
   * retrying (returned), or the coordinator's verdict (thrown).
   */
  async #ask<Op extends GroupOp>(
    partition: number,
    request: GroupRequestOf<Op>,
  ): Promise<GroupResult<Op> | TributaryError> {
    let leader: Leader
    try {
      leader = this.#router.leaderOf(OFFSETS_TOPIC, partition)
    } catch (error) {
      if (error instanceof TributaryError) return error
      throw error
    }
    let response: Awaited<ReturnType<Leader['client']['group']>>
    try {
      response = await leader.client.group(request)
    } catch (error) {
      this.#router.discard(leader)
      if (error instanceof TributaryError && !error.retriable) throw error
      return new TributaryError(
        ErrorCode.NetworkException,
        `broker ${leader.brokerId} could not be reached`,
        { cause: error, retriable: true },
      )
    }
    try {
      return groupResultOf(response as Parameters<typeof groupResultOf<Op>>[0])
    } catch (error) {
      if (error instanceof TributaryError && retryCodes.has(error.code)) return error
      throw error
    }
  }
}
