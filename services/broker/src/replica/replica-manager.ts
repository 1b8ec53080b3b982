import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  ErrorCode,
  isTopicConfigName,
  type Logger,
  type MetadataFollower,
  type MetadataImage,
  type PartitionState,
  parseTopicConfigs,
  resolveTopicConfig,
  silentLogger,
  type TopicConfig,
  type TopicState,
  TributaryError,
} from '@tributary/core'
import { type LogConfigInput, PartitionLog } from '@tributary/storage'
import {
  claimPartitionDir,
  parsePartitionDirName,
  partitionDirName,
  removePartitionDir,
} from './partition-dir.ts'
import { Replica } from './replica.ts'

/** The log settings that are the broker's, not the topic's. */
export type BrokerLogConfig = Pick<LogConfigInput, 'flushMode' | 'recoveryBatches'>

export interface ReplicaManagerOptions {
  readonly brokerId: number
  /**
   * The broker's own data directory (`<data-dir>/broker-<id>`): each replica lives in
   * `<dir>/<topic>-<partition>/`.
   */
  readonly dir: string
  /** The image to host partitions by; usually a MetadataFollower's, kept current by it. */
  readonly image: MetadataImage
  /**
   * This process's registration: while the image's registration of `brokerId` is another
   * incarnation's (an earlier run's, not yet replaced), this broker leads nothing.
   */
  readonly incarnationId?: string
  readonly logConfig?: BrokerLogConfig
  readonly logger?: Logger
  /** Wall clock for the logs (segment age, retention, LogAppendTime). Default Date.now. */
  readonly now?: () => number
}

/** A partition this broker leads, as the image describes it at the moment of asking. */
export interface LedPartition {
  readonly replica: Replica
  readonly topic: TopicState
  readonly state: PartitionState
}

/**
 * Hosts the partition replicas the metadata image assigns to this broker (Kafka's
 * ReplicaManager): opens a PartitionLog for every partition whose replicas include it, passes
 * the topic's configs to the log (reopening it when they change), and closes and deletes the
 * logs of partitions it no longer hosts. Leadership is read from the image at each request:
 * the broker leads a partition when the image names it leader and its own registration there
 * is unfenced.
 *
 * Changes to the image are applied by {@link sync}, one run at a time; syncs requested while a
 * run is going coalesce into the next run, which reads the image as it is then.
 */
export class ReplicaManager {
  readonly brokerId: number
  readonly dir: string
  readonly #image: MetadataImage
  readonly #incarnationId: string | undefined
  readonly #logConfig: BrokerLogConfig
  readonly #logger: Logger
  readonly #now: (() => number) | undefined
  readonly #replicas = new Map<string, Replica>()
  /** Runs reconciliation, stray removal and close one after another. */
  #tail: Promise<void> = Promise.resolve()
  /** The sync queued and not yet started, which later calls join. */
  #queued: Promise<void> | undefined
  #syncedOffset = -1
  #closed = false
  readonly #syncListeners = new Set<() => void>()

  constructor(options: ReplicaManagerOptions) {
    this.brokerId = options.brokerId
    this.dir = options.dir
    this.#image = options.image
    this.#incarnationId = options.incarnationId
    this.#logConfig = options.logConfig ?? {}
    this.#logger = (options.logger ?? silentLogger).child({ component: 'replica-manager' })
    this.#now = options.now
  }

  /** Syncs after every entry the follower applies; returns a function that stops it. */
  follow(follower: MetadataFollower): () => void {
    const stop = follower.onApplied(() => void this.sync())
    void this.sync()
    return stop
  }

  /**
   * Brings the hosted replicas in line with the image as it is now; resolves once they are.
   * Never rejects: a partition that cannot be opened is logged and retried at the next sync.
   */
  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    if (this.#queued === undefined) {
      this.#queued = this.#serially(() => {
        this.#queued = undefined
        return this.#reconcile()
      })
    }
    return this.#queued
  }

  /**
   * Calls `listener` after every sync, once the hosted replicas match the image (replication
   * starts and stops following and leading there). Returns the unsubscribe.
   */
  onSynced(listener: () => void): () => void {
    this.#syncListeners.add(listener)
    return () => this.#syncListeners.delete(listener)
  }

  /** The image offset the replicas were last brought in line with (-1 before the first sync). */
  get syncedOffset(): number {
    return this.#syncedOffset
  }

  get replicas(): Replica[] {
    return [...this.#replicas.values()]
  }

  replica(topic: string, partition: number): Replica | undefined {
    return this.#replicas.get(partitionDirName(topic, partition))
  }

  /** Whether the image lets this broker serve as leader (registered as this incarnation, unfenced). */
  get isServing(): boolean {
    const self = this.#image.broker(this.brokerId)
    if (self === undefined || self.fenced) return false
    return this.#incarnationId === undefined || self.incarnationId === this.#incarnationId
  }

  /**
   * The replica of a partition this broker leads, or the error a request for it gets:
   * UNKNOWN_TOPIC_OR_PARTITION when the image has no such partition, NOT_LEADER_OR_FOLLOWER when
   * another broker leads it, this broker is fenced, or its replica is not open yet.
   */
  leaderOf(topicName: string, partition: number): LedPartition {
    const topic = this.#image.topic(topicName)
    const state = topic?.partitions[partition]
    if (topic === undefined || state === undefined) {
      throw new TributaryError(
        ErrorCode.UnknownTopicOrPartition,
        `this broker does not know partition ${partitionDirName(topicName, partition)}`,
      )
    }
    const name = partitionDirName(topicName, partition)
    if (state.leader !== this.brokerId) {
      throw new TributaryError(
        ErrorCode.NotLeaderOrFollower,
        `broker ${this.brokerId} is not the leader of ${name} (the leader is ${state.leader === -1 ? 'none' : `broker ${state.leader}`})`,
      )
    }
    if (!this.isServing) {
      throw new TributaryError(
        ErrorCode.NotLeaderOrFollower,
        `broker ${this.brokerId} is fenced or not yet registered, so it leads no partition`,
      )
    }
    const replica = this.#replicas.get(name)
    if (replica === undefined || replica.topicId !== topic.topicId) {
      throw new TributaryError(
        ErrorCode.NotLeaderOrFollower,
        `broker ${this.brokerId} has not opened its replica of ${name} yet`,
      )
    }
    return { replica, topic, state }
  }

  /** The partitions this broker leads now, by topic and partition. */
  get ledPartitions(): { readonly topic: string; readonly partition: number }[] {
    if (!this.isServing) return []
    return this.replicas
      .filter((replica) => {
        const topic = this.#image.topic(replica.topic)
        return (
          topic?.topicId === replica.topicId &&
          topic.partitions[replica.partition]?.leader === this.brokerId
        )
      })
      .map(({ topic, partition }) => ({ topic, partition }))
  }

  /**
   * Deletes partition directories the image does not assign to this broker: those of topics
   * deleted while it was down. Call it once the image has caught up with the log, never before
   * (an image still replaying would not yet know the topics it is about to see).
   */
  removeStrayReplicas(): Promise<string[]> {
    return this.#serially(async () => {
      const removed: string[] = []
      let names: string[]
      try {
        names = readdirSync(this.dir)
      } catch {
        return removed
      }
      const assigned = this.#assigned()
      for (const name of names) {
        // A partition that failed to open is still assigned: its data stays.
        if (parsePartitionDirName(name) === undefined || assigned.has(name)) continue
        if (this.#replicas.has(name)) continue
        removePartitionDir(join(this.dir, name))
        removed.push(name)
      }
      if (removed.length > 0) this.#logger.info({ removed }, 'deleted stray partition directories')
      return removed
    })
  }

  /** Applies retention to every hosted log; returns how many segments were deleted. */
  applyRetention(): number {
    let deleted = 0
    for (const replica of this.#replicas.values()) {
      try {
        deleted += replica.log.applyRetention().deletedSegments.length
      } catch (error) {
        this.#logger.warn(
          { err: error, partition: partitionDirName(replica.topic, replica.partition) },
          'retention failed',
        )
      }
    }
    return deleted
  }

  /** Waits for a sync in progress, then closes every log (their data stays). Idempotent. */
  close(): Promise<void> {
    this.#closed = true
    return this.#serially(async () => {
      const replicas = this.replicas
      this.#replicas.clear()
      for (const replica of replicas) replica.notify()
      await Promise.all(replicas.map((replica) => this.#closeLog(replica)))
    })
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task)
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return
    const offset = this.#image.offset
    const wanted = this.#assigned()
    const removals: Promise<void>[] = []
    for (const [name, replica] of this.#replicas) {
      if (wanted.get(name)?.topic.topicId === replica.topicId) continue
      this.#replicas.delete(name)
      removals.push(this.#remove(replica))
    }
    await Promise.all(removals)
    const opening: Promise<void>[] = []
    for (const [name, { topic, partition }] of wanted) {
      const replica = this.#replicas.get(name)
      const configKey = configKeyOf(this.#overrides(topic))
      if (replica === undefined) opening.push(this.#open(name, topic, partition, configKey))
      else if (replica.configKey !== configKey) {
        opening.push(this.#reconfigure(name, replica, topic, configKey))
      }
    }
    await Promise.all(opening)
    this.#syncedOffset = offset
    // Leadership may have changed: waiting fetches look again.
    for (const replica of this.#replicas.values()) replica.notify()
    for (const listener of this.#syncListeners) {
      try {
        listener()
      } catch (error) {
        this.#logger.error({ err: error }, 'a listener of replica syncs failed')
      }
    }
  }

  /** The partitions the image assigns to this broker, by directory name. */
  #assigned(): Map<string, { topic: TopicState; partition: number }> {
    const assigned = new Map<string, { topic: TopicState; partition: number }>()
    for (const topic of this.#image.topics) {
      for (const state of topic.partitions) {
        if (!state.replicas.includes(this.brokerId)) continue
        assigned.set(partitionDirName(topic.name, state.partition), {
          topic,
          partition: state.partition,
        })
      }
    }
    return assigned
  }

  async #open(name: string, topic: TopicState, partition: number, configKey: string) {
    const dir = join(this.dir, name)
    try {
      mkdirSync(this.dir, { recursive: true })
      const claimed = claimPartitionDir(dir, topic.topicId)
      if (claimed === 'replaced') {
        this.#logger.info(
          { partition: name, topicId: topic.topicId },
          'emptied a directory left by an earlier topic of the same name',
        )
      }
      const config = this.#topicConfig(topic)
      const log = await this.#openLog(dir, config)
      if (this.#closed) {
        await log.close()
        return
      }
      this.#replicas.set(
        name,
        new Replica({
          topic: topic.name,
          topicId: topic.topicId,
          partition,
          dir,
          log,
          config,
          configKey,
        }),
      )
      this.#logger.info({ partition: name, topicId: topic.topicId }, 'opened replica')
    } catch (error) {
      this.#logger.error({ err: error, partition: name }, 'could not open replica')
    }
  }

  async #reconfigure(name: string, replica: Replica, topic: TopicState, configKey: string) {
    const config = this.#topicConfig(topic)
    try {
      await replica.reopen(config, configKey, () => this.#openLog(replica.dir, config))
      this.#logger.info({ partition: name }, 'reopened replica with new topic configs')
    } catch (error) {
      this.#replicas.delete(name)
      replica.notify()
      this.#logger.error({ err: error, partition: name }, 'could not reopen replica')
    }
  }

  async #remove(replica: Replica): Promise<void> {
    const name = partitionDirName(replica.topic, replica.partition)
    replica.notify()
    await this.#closeLog(replica)
    try {
      removePartitionDir(replica.dir)
      this.#logger.info({ partition: name, topicId: replica.topicId }, 'deleted replica')
    } catch (error) {
      this.#logger.error({ err: error, partition: name }, 'could not delete replica directory')
    }
  }

  async #closeLog(replica: Replica): Promise<void> {
    try {
      await (await replica.ready()).close()
    } catch (error) {
      this.#logger.warn(
        { err: error, partition: partitionDirName(replica.topic, replica.partition) },
        'could not close replica log',
      )
    }
  }

  #openLog(dir: string, config: TopicConfig): Promise<PartitionLog> {
    return PartitionLog.open({
      dir,
      config: { ...config, ...this.#logConfig },
      logger: this.#logger,
      ...(this.#now === undefined ? {} : { now: this.#now }),
    })
  }

  /**
   * The topic's overrides over the cluster-wide ones (cluster config records under a topic
   * config's name, such as `min.insync.replicas`, as Kafka's broker-level defaults).
   */
  #overrides(topic: TopicState): Record<string, string> {
    const cluster: Record<string, string> = {}
    for (const [name, value] of Object.entries(this.#image.clusterConfigs)) {
      if (isTopicConfigName(name)) cluster[name] = value
    }
    return { ...cluster, ...topic.configs }
  }

  /** The topic's effective config; overrides the image holds but cannot parse are logged and skipped. */
  #topicConfig(topic: TopicState): TopicConfig {
    try {
      return resolveTopicConfig(parseTopicConfigs(this.#overrides(topic)))
    } catch (error) {
      this.#logger.error(
        { err: error, topic: topic.name },
        'topic configs in the metadata do not parse; using the defaults',
      )
      return resolveTopicConfig()
    }
  }
}

/** A comparable form of a topic's overrides. */
function configKeyOf(overrides: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(overrides).sort(([a], [b]) => (a < b ? -1 : 1)))
}
