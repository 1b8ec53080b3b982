import {
  type AdminResult,
  type AlterPartitionRequest,
  type AlterPartitionResult,
  type AlterTopicConfigsRequest,
  alterPartitionRequestSchema,
  alterTopicConfigsRequestSchema,
  type BrokerHeartbeatRequest,
  type BrokerHeartbeatResult,
  brokerHeartbeatRequestSchema,
  type ControllerClient,
  type ControllerElection,
  type ControllerLeadership,
  type CreatePartitionsRequest,
  type CreateTopicRequest,
  createPartitionsRequestSchema,
  createTopicRequestSchema,
  ErrorCode,
  type Logger,
  MetadataFollower,
  type MetadataImage,
  type MetadataLog,
  type MetadataRecord,
  type MetadataSnapshotStore,
  parseControllerRequest,
  type RegisterBrokerRequest,
  type RegisterBrokerResult,
  registerBrokerRequestSchema,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import { planFence, planHeartbeat, planRegisterBroker } from './brokers.ts'
import {
  type ClusterDefaults,
  checkClusterDefaults,
  planClusterDefaults,
} from './cluster-configs.ts'
import { randomClusterId } from './cluster-id.ts'
import { alterPartitionResult, planAlterPartition, requirePartition } from './isr.ts'
import {
  type ControllerOptions,
  DEFAULT_SESSION_CHECK_INTERVAL_MS,
  DEFAULT_SNAPSHOT_INTERVAL_RECORDS,
  type MetadataPage,
} from './options.ts'
import { BrokerSessions, DEFAULT_SESSION_TIMEOUT_MS, startSessionChecks } from './sessions.ts'
import {
  planAlterTopicConfigs,
  planCreatePartitions,
  planCreateTopic,
  planDeleteTopic,
} from './topics.ts'
import { ImageWaits } from './waits.ts'

/** How long to wait before campaigning again after the election failed. */
const CAMPAIGN_RETRY_MS = 1_000

const notController = (message: string) => new TributaryError(ErrorCode.NotController, message)

/**
 * The controller: one candidate in the election, and while it is the active one, the only writer
 * of the metadata log. Every process replays the log into a MetadataImage; this one keeps its
 * image through a MetadataFollower and plans each command against it, then appends the command's
 * records in one append fenced by its epoch and the image's offset. Commands run one at a time,
 * each waiting until the image has applied its records, so the expected offset is always the
 * log's end unless another controller wrote: then the append is refused and this one resigns.
 */
export class Controller implements ControllerClient {
  readonly nodeId: string
  readonly #log: MetadataLog
  readonly #election: ControllerElection
  readonly #logger: Logger
  readonly #follower: MetadataFollower
  readonly #sessions: BrokerSessions
  readonly #sessionCheckIntervalMs: number
  readonly #imageWaits: ImageWaits
  readonly #snapshots: MetadataSnapshotStore | undefined
  readonly #snapshotIntervalRecords: number
  #snapshotOffset = -1
  #snapshotting = false
  /** Called whenever this controller becomes active or closes. */
  readonly #activityListeners = new Set<() => void>()
  readonly #clusterId: string | undefined
  readonly #clusterDefaults: ClusterDefaults
  #leadership: ControllerLeadership | undefined
  #active = false
  #queue: Promise<unknown> = Promise.resolve()
  #stopSessionChecks: (() => void) | undefined
  #started = false
  #closed = false

  constructor(options: ControllerOptions) {
    this.nodeId = options.nodeId
    this.#log = options.log
    this.#election = options.election
    this.#logger = (options.logger ?? silentLogger).child({ nodeId: options.nodeId })
    this.#sessions = new BrokerSessions(
      options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      options.now ?? Date.now,
    )
    this.#sessionCheckIntervalMs =
      options.sessionCheckIntervalMs ?? DEFAULT_SESSION_CHECK_INTERVAL_MS
    this.#clusterId = options.clusterId
    this.#clusterDefaults = {
      defaultReplicationFactor: options.defaultReplicationFactor,
      minInsyncReplicas: options.minInsyncReplicas,
    }
    checkClusterDefaults(this.#clusterDefaults)
    this.#follower = new MetadataFollower(options.initialImage)
    this.#imageWaits = new ImageWaits(this.#follower)
    this.#snapshots = options.snapshots
    this.#snapshotIntervalRecords =
      options.snapshotIntervalRecords ?? DEFAULT_SNAPSHOT_INTERVAL_RECORDS
    this.#snapshotOffset = this.#follower.image.offset
  }

  /** The cluster as this controller has replayed it. */
  get image(): MetadataImage {
    return this.#follower.image
  }

  /** Whether this controller is the active one and takes commands. */
  get active(): boolean {
    return this.#active
  }

  /** The term this controller leads while active; otherwise the last term seen on the log. */
  get controllerEpoch(): number {
    return this.#leadership?.controllerEpoch ?? this.image.controllerEpoch
  }

  /** Metadata reads waiting for an entry to land (long-polls in progress). */
  get waitingReads(): number {
    return this.#imageWaits.size
  }

  /** Follows the log and campaigns in the background; commands work once {@link active}. */
  start(): void {
    if (this.#started || this.#closed) return
    this.#started = true
    this.#follower.start(this.#log, (error) =>
      this.#logger.error({ err: error }, 'cannot apply the metadata log'),
    )
    void this.#campaign()
  }

  /** Resolves once this controller is active; rejects with NOT_CONTROLLER if it closes first. */
  whenActive(): Promise<void> {
    if (this.#active) return Promise.resolve()
    if (this.#closed) return Promise.reject(notController('the controller is closed'))
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (this.#active) resolve()
        else if (this.#closed) reject(notController('the controller is closed'))
        else return
        this.#activityListeners.delete(listener)
      }
      this.#activityListeners.add(listener)
    })
  }

  /**
   * Calls `listener` with true each time this controller becomes the active one and with false
   * each time it stops being it (or closes), so a transport that only the active controller
   * should serve (NATS request/reply) can subscribe and unsubscribe. Returns the unsubscribe.
   */
  onActivityChange(listener: (active: boolean) => void): () => void {
    let last = this.#active
    if (last) listener(true)
    const wrapped = () => {
      const now = this.#active && !this.#closed
      if (now === last) return
      last = now
      listener(now)
    }
    this.#activityListeners.add(wrapped)
    return () => this.#activityListeners.delete(wrapped)
  }

  /** Finishes the command in progress, refuses new ones, ends long-polls and resigns. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#stopSessionTimer()
    this.#imageWaits.close()
    this.#activityChanged()
    await this.#queue
    const leadership = this.#leadership
    this.#deactivate(leadership)
    await leadership?.resign().catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'resigning the controller leadership failed')
    })
    this.#follower.stop()
  }

  async createTopic(request: CreateTopicRequest): Promise<AdminResult> {
    const command = parseControllerRequest(createTopicRequestSchema, request)
    return this.#run(async (leadership) => {
      const records = planCreateTopic(this.image, command, globalThis.crypto.randomUUID())
      if (command.validateOnly) return { metadataOffset: this.image.offset }
      const metadataOffset = await this.#append(leadership, records)
      this.#logger.info(
        { topic: command.name, partitions: command.partitions, metadataOffset },
        'created topic',
      )
      return { metadataOffset }
    })
  }

  async deleteTopic(name: string): Promise<AdminResult> {
    return this.#run(async (leadership) => {
      const metadataOffset = await this.#append(leadership, planDeleteTopic(this.image, name))
      this.#logger.info({ topic: name, metadataOffset }, 'deleted topic')
      return { metadataOffset }
    })
  }

  async createPartitions(request: CreatePartitionsRequest): Promise<AdminResult> {
    const command = parseControllerRequest(createPartitionsRequestSchema, request)
    return this.#run(async (leadership) => {
      const records = planCreatePartitions(this.image, command)
      const metadataOffset = await this.#append(leadership, records)
      this.#logger.info(
        { topic: command.name, partitions: command.totalCount, metadataOffset },
        'created partitions',
      )
      return { metadataOffset }
    })
  }

  async alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<AdminResult> {
    const command = parseControllerRequest(alterTopicConfigsRequestSchema, request)
    return this.#run(async (leadership) => {
      const records = planAlterTopicConfigs(this.image, command)
      if (command.validateOnly || records.length === 0) return { metadataOffset: this.image.offset }
      const metadataOffset = await this.#append(leadership, records)
      this.#logger.info({ topic: command.name, metadataOffset }, 'altered topic configs')
      return { metadataOffset }
    })
  }

  async registerBroker(request: RegisterBrokerRequest): Promise<RegisterBrokerResult> {
    const command = parseControllerRequest(registerBrokerRequestSchema, request)
    return this.#run(async (leadership) => {
      const { brokerEpoch, records } = planRegisterBroker(this.image, command)
      const metadataOffset = await this.#append(leadership, records)
      this.#sessions.touch(command.brokerId, brokerEpoch)
      this.#logger.info({ brokerId: command.brokerId, brokerEpoch }, 'registered broker')
      return { brokerEpoch, metadataOffset }
    })
  }

  async brokerHeartbeat(request: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResult> {
    const command = parseControllerRequest(brokerHeartbeatRequestSchema, request)
    return this.#run(async (leadership) => {
      const { fenced, records } = planHeartbeat(this.image, command)
      this.#sessions.touch(command.brokerId, command.brokerEpoch)
      if (records.length > 0) {
        await this.#append(leadership, records)
        this.#logger.info(
          { brokerId: command.brokerId, brokerEpoch: command.brokerEpoch },
          'broker caught up; unfenced',
        )
      }
      return { fenced }
    })
  }

  /**
   * Kafka's AlterPartition: the leader of a partition changes its ISR (see isr.ts for the checks).
   * One `partition-change` when the ISR differs, also moving leadership back to the preferred
   * replica when it rejoins; nothing when it is the same. Answers the partition as it then is.
   */
  async alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    const command = parseControllerRequest(alterPartitionRequestSchema, request)
    return this.#run(async (leadership) => {
      const { change } = planAlterPartition(this.image, command)
      let metadataOffset = this.image.offset
      if (change !== undefined) metadataOffset = await this.#append(leadership, [change])
      const state = requirePartition(this.image, command.topicId, command.partition)
      if (change !== undefined) {
        this.#logger.info(
          { topicId: command.topicId, brokerId: command.brokerId, ...state, metadataOffset },
          change.leader === undefined ? 'ISR changed' : 'ISR changed; preferred leader restored',
        )
      }
      return alterPartitionResult(state, metadataOffset)
    })
  }

  /**
   * Fences every unfenced broker whose session has run out, one append each, moving its
   * leaderships; resolves with the ids fenced. The session timer calls it; so may tests.
   */
  async fenceExpiredBrokers(): Promise<number[]> {
    return this.#run(async (leadership) => {
      const fenced: number[] = []
      for (const broker of this.image.brokers) {
        if (broker.fenced || !this.#sessions.expired(broker.brokerId, broker.brokerEpoch)) continue
        await this.#append(leadership, planFence(this.image, broker))
        this.#logger.warn(
          { brokerId: broker.brokerId, brokerEpoch: broker.brokerEpoch },
          'broker session expired; fenced',
        )
        fenced.push(broker.brokerId)
      }
      return fenced
    })
  }

  /**
   * Up to `maxEntries` log entries from `fromOffset` on. When there are none yet, waits up to
   * `waitMs` for one to land (a long-poll), ending early if `signal` aborts or the controller
   * closes. Any controller answers, active or not: they all replay the same log.
   */
  async readMetadata(
    fromOffset: number,
    maxEntries: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<MetadataPage> {
    const read = () => (maxEntries === 0 ? [] : this.#log.read(fromOffset, maxEntries))
    let entries = await read()
    if (entries.length === 0 && maxEntries > 0 && waitMs > 0) {
      await this.#imageWaits.reach(fromOffset, waitMs, signal)
      entries = await read()
    }
    return { entries, lastOffset: await this.#log.lastOffset() }
  }

  async #campaign(): Promise<void> {
    while (!this.#closed) {
      let leadership: ControllerLeadership
      try {
        leadership = await this.#election.campaign(this.nodeId)
      } catch (error) {
        if (this.#closed) return
        this.#logger.error({ err: error }, 'campaign failed; trying again')
        await new Promise((resolve) => setTimeout(resolve, CAMPAIGN_RETRY_MS))
        continue
      }
      if (this.#closed) {
        await leadership.resign().catch(() => {})
        return
      }
      void leadership.lost.then(() => this.#deactivate(leadership))
      const led = await this.#lead(leadership)
      await leadership.lost
      // A term that could not be taken up: pause, or the next campaign wins at once and fails again.
      if (!led && !this.#closed)
        await new Promise((resolve) => setTimeout(resolve, CAMPAIGN_RETRY_MS))
    }
  }

  /**
   * Catches up with the log, writes the cluster record on a new log, then takes commands.
   * Resolves false when the term could not be taken up (it resigned); a log that belongs to
   * another cluster also closes the controller, since no later term can fix that.
   */
  async #lead(leadership: ControllerLeadership): Promise<boolean> {
    this.#leadership = leadership
    const { controllerEpoch } = leadership
    try {
      await this.#enqueue(async () => {
        if (this.#leadership !== leadership || this.#closed) return
        await this.#follower.waitFor(await this.#log.lastOffset())
        if (this.image.clusterId === null) {
          const clusterId = this.#clusterId ?? randomClusterId()
          await this.#append(leadership, [{ type: 'cluster', clusterId }])
          this.#logger.info({ clusterId }, 'new cluster')
        } else if (this.#clusterId !== undefined && this.image.clusterId !== this.#clusterId) {
          throw new TributaryError(
            ErrorCode.InvalidConfig,
            `the metadata log belongs to cluster ${this.image.clusterId}, not ${this.#clusterId}`,
          )
        }
        // Open the term on the log (KRaft's leader writes a LeaderChange record): the last entry
        // now carries this epoch, so a deposed controller that has not noticed yet (paused past
        // its lease, then resumed) is refused by the log's epoch check even before this
        // controller changes anything else.
        await this.#append(leadership, [{ type: 'no-op' }])
        // The cluster defaults this controller was started with, where the log says otherwise.
        const defaults = planClusterDefaults(this.image, this.#clusterDefaults)
        if (defaults.length > 0) {
          await this.#append(leadership, defaults)
          this.#logger.info({ ...this.image.clusterConfigs }, 'cluster defaults set')
        }
        if (this.#leadership !== leadership || this.#closed) return
        this.#sessions.clear()
        for (const broker of this.image.brokers) {
          this.#sessions.touch(broker.brokerId, broker.brokerEpoch)
        }
        this.#active = true
        this.#startSessionTimer()
        this.#logger.info(
          { controllerEpoch, metadataOffset: this.image.offset },
          'active controller',
        )
        this.#activityChanged()
      })
      return this.#active
    } catch (error) {
      this.#deactivate(leadership)
      await leadership.resign().catch(() => {})
      if (error instanceof TributaryError && error.code === ErrorCode.InvalidConfig) {
        this.#logger.error(
          { err: error },
          'this controller cannot lead this metadata log; it stops',
        )
        await this.close()
        return false
      }
      this.#logger.error(
        { err: error, controllerEpoch },
        'cannot take up the leadership; resigning',
      )
      return false
    }
  }

  #deactivate(leadership: ControllerLeadership | undefined): void {
    if (leadership === undefined || this.#leadership !== leadership) return
    const wasActive = this.#active
    this.#leadership = undefined
    this.#active = false
    this.#stopSessionTimer()
    this.#sessions.clear()
    this.#activityChanged()
    if (wasActive && !this.#closed) {
      this.#logger.warn(
        { controllerEpoch: leadership.controllerEpoch },
        'no longer the active controller',
      )
    }
  }

  /** Runs `command` after every command before it, if this controller is active by then. */
  #run<T>(command: (leadership: ControllerLeadership) => Promise<T>): Promise<T> {
    return this.#enqueue(() => {
      const leadership = this.#leadership
      if (this.#closed) throw notController(`controller ${this.nodeId} is shutting down`)
      if (!this.#active || leadership === undefined) {
        throw notController(`controller ${this.nodeId} is not the active controller`)
      }
      return command(leadership)
    })
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task)
    this.#queue = result.catch(() => {})
    return result
  }

  /** One fenced append; resolves with its last offset once the image has applied it. */
  async #append(leadership: ControllerLeadership, records: MetadataRecord[]): Promise<number> {
    let offset: number
    try {
      offset = await this.#log.append(records, {
        controllerEpoch: leadership.controllerEpoch,
        expectedLastOffset: this.image.offset,
      })
    } catch (error) {
      if (error instanceof TributaryError && error.code === ErrorCode.NotController) {
        this.#logger.warn({ err: error }, 'the metadata log fenced this controller; resigning')
        this.#deactivate(leadership)
        void leadership.resign().catch(() => {})
      }
      throw error
    }
    await this.#follower.waitFor(offset)
    this.#maybeSnapshot()
    return offset
  }

  /** Saves a snapshot of the image in the background once enough records followed the last. */
  #maybeSnapshot(): void {
    const store = this.#snapshots
    const image = this.image
    if (store === undefined || this.#snapshotting) return
    if (image.offset - this.#snapshotOffset < this.#snapshotIntervalRecords) return
    this.#snapshotting = true
    const snapshot = image.snapshot()
    store
      .save(snapshot)
      .then(() => {
        this.#snapshotOffset = snapshot.offset
        this.#logger.debug({ offset: snapshot.offset }, 'metadata snapshot saved')
      })
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'metadata snapshot not saved'))
      .finally(() => {
        this.#snapshotting = false
      })
  }

  #startSessionTimer(): void {
    if (this.#sessionCheckIntervalMs <= 0 || this.#stopSessionChecks !== undefined) return
    this.#stopSessionChecks = startSessionChecks(
      this.#sessionCheckIntervalMs,
      () => this.fenceExpiredBrokers(),
      (error) => {
        if (this.#active) this.#logger.error({ err: error }, 'fencing expired brokers failed')
      },
    )
  }

  #stopSessionTimer(): void {
    this.#stopSessionChecks?.()
    this.#stopSessionChecks = undefined
  }

  #activityChanged(): void {
    for (const listener of [...this.#activityListeners]) listener()
  }
}
