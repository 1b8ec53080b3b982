import {
  coordinatorPartition,
  ErrorCode,
  type GroupListing,
  type GroupRequest,
  type GroupResult,
  groupRequestSchema,
  type Logger,
  type MetadataImage,
  OFFSETS_TOPIC,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import type { LedPartition, ReplicaManager } from '../replica/index.ts'
import { ConsumerGroup } from './group.ts'
import { OffsetsPartition } from './offsets-partition.ts'
import { replayOffsetsLog } from './offsets-replay.ts'
import {
  type AppendTarget,
  appendCommits,
  appendInstances,
  PendingAppends,
  type Produce,
} from './offsets-store.ts'
import { type GroupScopedOp, type OperationContext, operate } from './operations.ts'
import {
  DEFAULT_GROUP_LOAD_WAIT_MS,
  DEFAULT_GROUP_SETTINGS,
  DEFAULT_GROUP_SWEEP_INTERVAL_MS,
  DEFAULT_OFFSET_COMMIT_TIMEOUT_MS,
  type GroupSettings,
} from './settings.ts'
import { TopicView } from './topics.ts'

/** Tries of a request whose partition changed epoch while it waited, before NOT_COORDINATOR. */
const MAX_ATTEMPTS = 3

/** What a coordinator is built from; createBroker wires the broker's own pieces in. */
export interface GroupCoordinatorOptions {
  /** Says which `__consumer_offsets` partitions this broker leads, and holds their logs. */
  readonly replicas: ReplicaManager
  /** The metadata image: the offsets topic's partition count, and the topics groups read. */
  readonly image: MetadataImage
  /**
   * The broker's own produce path (DataPlaneHandler.produce), which commits and instance records
   * are appended through.
   */
  readonly produce: Produce
  readonly settings?: Partial<GroupSettings>
  readonly logger?: Logger
  /** Clock for liveness, ack timeouts and commit timestamps. Default Date.now. */
  readonly now?: () => number
  readonly sweepIntervalMs?: number
  /** How long a request waits for a replay before COORDINATOR_LOAD_IN_PROGRESS. */
  readonly loadWaitMs?: number
}

/**
 * The group coordinator this broker runs: for every group whose `__consumer_offsets` partition
 * it leads, the group's consumer instances, membership, assignment, positions and committed
 * offsets (see group.ts for one group, operations.ts for each request). This class routes a
 * request to its group, checks leadership (NOT_COORDINATOR otherwise), and keeps state per
 * (partition, leader epoch): a new epoch discards the partition's state and replays its log
 * (committed offsets and consumer instances) before answering, so instances follow the
 * partition's leadership. A sweep timer expires silent members and idle instances between
 * requests.
 */
export class GroupCoordinator {
  readonly #replicas: ReplicaManager
  readonly #image: MetadataImage
  readonly #produce: Produce
  readonly #settings: GroupSettings
  readonly #topics: TopicView
  readonly #logger: Logger
  readonly #now: () => number
  readonly #sweepIntervalMs: number
  readonly #loadWaitMs: number
  readonly #partitions = new Map<number, OffsetsPartition>()
  /** Appends not yet settled, whatever state made them: a replay waits for them. */
  readonly #appending = new PendingAppends()
  #timer: NodeJS.Timeout | undefined

  constructor(options: GroupCoordinatorOptions) {
    this.#replicas = options.replicas
    this.#image = options.image
    this.#produce = options.produce
    const settings = options.settings ?? {}
    this.#settings = {
      groupMinSessionTimeoutMs:
        settings.groupMinSessionTimeoutMs ?? DEFAULT_GROUP_SETTINGS.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs:
        settings.groupMaxSessionTimeoutMs ?? DEFAULT_GROUP_SETTINGS.groupMaxSessionTimeoutMs,
      consumerInstanceTimeoutMs:
        settings.consumerInstanceTimeoutMs ?? DEFAULT_GROUP_SETTINGS.consumerInstanceTimeoutMs,
    }
    this.#topics = new TopicView(options.image)
    this.#logger = (options.logger ?? silentLogger).child({ component: 'group-coordinator' })
    this.#now = options.now ?? Date.now
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_GROUP_SWEEP_INTERVAL_MS
    this.#loadWaitMs = options.loadWaitMs ?? DEFAULT_GROUP_LOAD_WAIT_MS
  }

  /** Starts the sweep timer. */
  start(): void {
    if (this.#timer !== undefined) return
    this.#timer = setInterval(() => this.sweep(), this.#sweepIntervalMs)
    this.#timer.unref()
  }

  /** Stops the sweep timer; state stays (the broker is stopping). */
  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /**
   * Serves one request. Throws TributaryErrors: NOT_COORDINATOR when this broker does not lead
   * the group's partition, COORDINATOR_LOAD_IN_PROGRESS while it is still replaying it, and
   * each operation's own errors; INVALID_REQUEST for a request the contract's schema refuses.
   */
  async handle(input: GroupRequest): Promise<GroupResult> {
    const parsed = groupRequestSchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new TributaryError(
        ErrorCode.InvalidRequest,
        `group request is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      )
    }
    const valid = parsed.data
    if (valid.op === 'listGroups') return { groups: await this.#listGroups() }
    const request = valid as Extract<GroupRequest, { op: GroupScopedOp }>
    for (let attempt = 1; ; attempt++) {
      const state = await this.#loadedStateOf(request.group)
      const group = state.group(request.group, () => this.#newGroup(request.group, state.partition))
      const served = await group.run(async () => {
        // The partition may have moved, or changed epoch, while this request waited its turn.
        if (!this.#isCurrent(state)) return undefined
        const context = this.#context(state, group)
        await this.#expire(state, group, context.nowMs)
        group.refresh()
        return { result: await operate(context, group, request) }
      })
      if (served !== undefined) return served.result
      if (attempt === MAX_ATTEMPTS) {
        throw new TributaryError(
          ErrorCode.NotCoordinator,
          `broker ${this.#replicas.brokerId} is no longer the coordinator of group ${request.group}`,
        )
      }
    }
  }

  /**
   * What the timer runs: forgets partitions this broker no longer leads, applies liveness to
   * every group (queued behind requests in flight), and forgets groups that hold nothing once
   * no request is queued on them.
   */
  sweep(): void {
    for (const [partition, state] of this.#partitions) {
      if (!state.ready) continue
      if (!this.#isCurrent(state)) {
        state.retire()
        this.#partitions.delete(partition)
        continue
      }
      for (const group of state.groups.values()) {
        group
          .run(() => this.#expire(state, group, this.#now()))
          .then(() => {
            if (group.idle && group.empty && state.groups.get(group.id) === group) {
              state.groups.delete(group.id)
            }
          })
          .catch((error: unknown) => {
            this.#logger.error(
              { err: error, group: group.id },
              'could not expire members of a group',
            )
          })
      }
    }
  }

  /**
   * Applies liveness to `group` (in its queue), then deletes the records of the instances it
   * deleted. Best-effort: a tombstone that fails is logged, and its instance comes back after a
   * coordinator move, to expire again one instance timeout later.
   */
  async #expire(state: OffsetsPartition, group: ConsumerGroup, nowMs: number): Promise<void> {
    const deleted = group.expire(nowMs)
    if (deleted.length === 0) return
    const writes = deleted.map(({ id }) => ({ instance: id, value: null }))
    try {
      await this.#append(state, group.id, (target) =>
        appendInstances(this.#produce, target, writes),
      )
    } catch (error) {
      this.#logger.warn(
        { err: error, group: group.id, instances: deleted.map(({ id }) => id) },
        'could not delete the records of expired consumer instances',
      )
    }
  }

  async #listGroups(): Promise<GroupListing[]> {
    const partitions = this.#replicas.ledPartitions
      .filter(({ topic }) => topic === OFFSETS_TOPIC)
      .map(({ partition }) => partition)
    const states = await Promise.all(
      partitions.map(async (partition) => {
        try {
          return await this.#loaded(this.#stateOf(partition, OFFSETS_TOPIC))
        } catch (error) {
          if (error instanceof TributaryError && error.code === ErrorCode.NotCoordinator) {
            return undefined // lost between the listing and the look-up
          }
          throw error
        }
      }),
    )
    const listings = await Promise.all(
      states.flatMap((state) =>
        state === undefined
          ? []
          : [...state.groups.values()].map((group) =>
              group.run(async () => {
                await this.#expire(state, group, this.#now())
                group.refresh()
                return group.empty ? undefined : group.listing()
              }),
            ),
      ),
    )
    return listings
      .filter((listing) => listing !== undefined)
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
  }

  /** The loaded state of the partition that holds `group`. */
  async #loadedStateOf(group: string): Promise<OffsetsPartition> {
    const topic = this.#image.topic(OFFSETS_TOPIC)
    if (topic === undefined || topic.partitions.length === 0) {
      throw new TributaryError(
        ErrorCode.NotCoordinator,
        `broker ${this.#replicas.brokerId} is not the coordinator of group ${group}: ${OFFSETS_TOPIC} does not exist yet`,
      )
    }
    const partition = coordinatorPartition(group, topic.partitions.length)
    return this.#loaded(this.#stateOf(partition, `group ${group}`))
  }

  /**
   * The state of `partition` for its current leader epoch, a load started if there was none
   * (or the epoch changed); NOT_COORDINATOR when this broker does not lead it.
   */
  #stateOf(partition: number, what: string): OffsetsPartition {
    let led: LedPartition
    try {
      led = this.#replicas.leaderOf(OFFSETS_TOPIC, partition)
    } catch (error) {
      this.#partitions.get(partition)?.retire()
      this.#partitions.delete(partition)
      const reason = error instanceof Error ? error.message : String(error)
      throw new TributaryError(
        ErrorCode.NotCoordinator,
        `broker ${this.#replicas.brokerId} is not the coordinator of ${what}: ${reason}`,
        { cause: error },
      )
    }
    const existing = this.#partitions.get(partition)
    if (existing?.matches(led) && existing.failure === undefined) {
      return existing
    }
    existing?.retire()
    const state = new OffsetsPartition(partition, led)
    this.#partitions.set(partition, state)
    state.load(this.#load(state, led))
    return state
  }

  /** Waits (boundedly) for a state's replay; COORDINATOR_LOAD_IN_PROGRESS past the bound. */
  async #loaded(state: OffsetsPartition): Promise<OffsetsPartition> {
    if (!state.ready) await state.wait(this.#loadWaitMs)
    if (state.failure !== undefined) {
      if (this.#partitions.get(state.partition) === state) this.#partitions.delete(state.partition)
      throw new TributaryError(
        ErrorCode.CoordinatorNotAvailable,
        `could not load ${OFFSETS_TOPIC}-${state.partition}; try again`,
        { cause: state.failure },
      )
    }
    if (!state.ready) {
      throw new TributaryError(
        ErrorCode.CoordinatorLoadInProgress,
        `broker ${this.#replicas.brokerId} is still loading ${OFFSETS_TOPIC}-${state.partition}`,
      )
    }
    return state
  }

  /** Replays the partition's log into `state`, once every append made before has settled. */
  async #load(state: OffsetsPartition, led: LedPartition) {
    await this.#appending.settled(state.partition)
    const log = await led.replica.ready()
    const started = this.#now()
    const counts = await replayOffsetsLog(
      log,
      (record) => {
        const group = state.group(record.group, () => this.#newGroup(record.group, state.partition))
        if (record.kind === 'commit') group.replay(record.topic, record.partition, record.offset)
        // Replayed instances are last seen now: a full instance timeout to come back in.
        else group.replayInstance(record.instance, record.value, started)
      },
      this.#logger,
    )
    for (const [id, group] of state.groups) {
      group.resume()
      if (group.empty) state.groups.delete(id)
    }
    this.#logger.info(
      {
        partition: `${OFFSETS_TOPIC}-${state.partition}`,
        leaderEpoch: state.leaderEpoch,
        ...counts,
        groups: state.groups.size,
        ms: this.#now() - started,
      },
      'loaded groups',
    )
  }

  #newGroup(id: string, partition: number): ConsumerGroup {
    return new ConsumerGroup(id, partition, this.#topics, this.#settings)
  }

  #context(state: OffsetsPartition, group: ConsumerGroup): OperationContext {
    const nowMs = this.#now()
    return {
      nowMs,
      settings: this.#settings,
      topics: this.#topics,
      append: (offsets) =>
        this.#append(state, group.id, (target) => appendCommits(this.#produce, target, offsets)),
      store: (instance, value) =>
        this.#append(state, group.id, (target) =>
          appendInstances(this.#produce, target, [{ instance, value }]),
        ),
    }
  }

  /**
   * Runs an append of `group`'s records to `state`'s partition, refusing (NOT_COORDINATOR) once
   * the state is not current; a replay of the partition waits for it to settle.
   */
  #append(
    state: OffsetsPartition,
    group: string,
    write: (target: AppendTarget) => Promise<void>,
  ): Promise<void> {
    if (!this.#isCurrent(state)) {
      return Promise.reject(
        new TributaryError(
          ErrorCode.NotCoordinator,
          `broker ${this.#replicas.brokerId} is no longer the coordinator of group ${group} (${OFFSETS_TOPIC}-${state.partition} moved or changed leader epoch)`,
        ),
      )
    }
    const append = write({
      partition: state.partition,
      group,
      nowMs: this.#now(),
      timeoutMs: DEFAULT_OFFSET_COMMIT_TIMEOUT_MS,
    })
    this.#appending.track(state.partition, append)
    return append
  }

  /** Whether this broker still leads the state's partition at the state's epoch. */
  #isCurrent(state: OffsetsPartition): boolean {
    if (state.retired) return false
    try {
      return state.matches(this.#replicas.leaderOf(OFFSETS_TOPIC, state.partition))
    } catch {
      return false
    }
  }
}
