import {
  CLIENT_ENDPOINT,
  type DataPlaneClient,
  type DataPlaneConnector,
  ErrorCode,
  errorFromWire,
  INTERNAL_ENDPOINT,
  IsolationLevel,
  type Logger,
  type MetadataImage,
  silentLogger,
  type TributaryError,
} from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'
import type { Replica, ReplicaManager } from '../replica/index.ts'
import { truncationOffset } from './truncation.ts'

/** Kafka's replica.fetch.max.bytes. */
const FETCH_MAX_BYTES = 1024 * 1024
/** Kafka's replica.fetch.wait.max.ms: how long the leader may hold a follower's fetch. */
const FETCH_MAX_WAIT_MS = 500
/** Kafka's replica.fetch.backoff.ms: the pause after a failed fetch. */
const FETCH_BACKOFF_MS = 200

/** One partition followed from one leader at one leader epoch. */
interface FollowTask {
  readonly replica: Replica
  readonly leader: number
  readonly leaderEpoch: number
  readonly topicId: string
  stopped: boolean
}

export interface ReplicaFetchersOptions {
  readonly brokerId: number
  readonly replicas: ReplicaManager
  readonly image: MetadataImage
  readonly connector: DataPlaneConnector
  readonly logger?: Logger
}

/**
 * The follower side of replication (Kafka's ReplicaFetcherManager): for every hosted replica
 * whose leader is another broker, a loop that first truncates the log where the leader says
 * the follower's latest leader epoch ends (never simply to its own high watermark), then
 * fetches from the leader's internal endpoint and appends the batches with the leader's offsets
 * and epochs, taking the leader's high watermark as its own (capped by its log end).
 *
 * A change of leader or leader epoch in the image stops the old loop and starts a new one, which
 * truncates again. Appends and truncations of one replica run one at a time, so a loop that is
 * stopping never writes under the loop that replaced it.
 */
export class ReplicaFetchers {
  readonly #brokerId: number
  readonly #replicas: ReplicaManager
  readonly #image: MetadataImage
  readonly #connector: DataPlaneConnector
  readonly #logger: Logger
  readonly #tasks = new Map<Replica, FollowTask>()
  /** Per replica, the tail of its appends and truncations. */
  readonly #writes = new Map<Replica, Promise<unknown>>()
  #closed = false

  constructor(options: ReplicaFetchersOptions) {
    this.#brokerId = options.brokerId
    this.#replicas = options.replicas
    this.#image = options.image
    this.#connector = options.connector
    this.#logger = (options.logger ?? silentLogger).child({ component: 'replica-fetcher' })
  }

  /** Partitions being followed now; for metrics and tests. */
  get following(): number {
    return this.#tasks.size
  }

  /** Starts, restarts and stops loops to match the image and the hosted replicas. */
  sync(): void {
    if (this.#closed) return
    const wanted = new Set<Replica>()
    for (const replica of this.#replicas.replicas) {
      const topic = this.#image.topic(replica.topic)
      const state = topic?.partitions[replica.partition]
      if (topic?.topicId !== replica.topicId || state === undefined) continue
      if (state.leader < 0 || state.leader === this.#brokerId) continue
      wanted.add(replica)
      const task = this.#tasks.get(replica)
      if (task?.leader === state.leader && task.leaderEpoch === state.leaderEpoch) continue
      if (task !== undefined) task.stopped = true
      const next: FollowTask = {
        replica,
        leader: state.leader,
        leaderEpoch: state.leaderEpoch,
        topicId: topic.topicId,
        stopped: false,
      }
      this.#tasks.set(replica, next)
      void this.#follow(next)
    }
    for (const [replica, task] of this.#tasks) {
      if (wanted.has(replica)) continue
      task.stopped = true
      this.#tasks.delete(replica)
    }
  }

  /** Stops every loop; resolves once their writes have settled. */
  async close(): Promise<void> {
    this.#closed = true
    for (const task of this.#tasks.values()) task.stopped = true
    this.#tasks.clear()
    await Promise.allSettled([...this.#writes.values()])
  }

  async #follow(task: FollowTask): Promise<void> {
    const { replica } = task
    const name = `${replica.topic}-${replica.partition}`
    let truncated = false
    this.#logger.info(
      { partition: name, leader: task.leader, leaderEpoch: task.leaderEpoch },
      'following partition',
    )
    while (!task.stopped) {
      try {
        const client = this.#client(task.leader)
        if (client === undefined) {
          await sleep(FETCH_BACKOFF_MS)
          continue
        }
        if (!truncated) {
          await this.#truncate(task, client)
          truncated = true
          continue
        }
        const log = await replica.ready()
        const response = await client.fetch({
          topic: replica.topic,
          partition: replica.partition,
          fetchOffset: log.logEndOffset,
          maxBytes: FETCH_MAX_BYTES,
          maxWaitMs: FETCH_MAX_WAIT_MS,
          minBytes: 1,
          isolationLevel: IsolationLevel.ReadUncommitted,
          replicaId: this.#brokerId,
          currentLeaderEpoch: task.leaderEpoch,
        })
        if (task.stopped) break
        if (response.errorCode !== 0) {
          const error = errorFromWire(response.errorCode, response.errorMessage) as TributaryError
          if (error.code === ErrorCode.OffsetOutOfRange) {
            await this.#serially(task, async () => {
              const current = await replica.ready()
              if (current.logEndOffset < response.logStartOffset) {
                current.truncateFullyAndStartAt(response.logStartOffset)
              } else truncated = false
            })
          } else {
            this.#logger.debug(
              { partition: name, leader: task.leader, code: error.code, reason: error.message },
              'fetch from leader refused',
            )
            await sleep(FETCH_BACKOFF_MS)
          }
          continue
        }
        await this.#serially(task, async () => {
          const current = await replica.ready()
          if (response.records.length > 0) await current.appendAsFollower(response.records)
          current.setHighWatermark(Math.min(response.highWatermark, current.logEndOffset))
        })
        replica.notify()
      } catch (error) {
        if (task.stopped) break
        this.#logger.debug({ err: error, partition: name, leader: task.leader }, 'fetch failed')
        await sleep(FETCH_BACKOFF_MS)
      }
    }
  }

  /**
   * Truncates to where the leader says this log's latest epoch ends (KIP-101/279). First waits
   * for every append already queued on the log: a broker that just stopped leading may still
   * have its own last appends in the group commit, and a truncation that ran before them would
   * leave their unreplicated tail behind it, diverging from the new leader. No leader append can
   * be queued after this point (the handler checks leadership in the turn it queues one).
   */
  #truncate(task: FollowTask, client: DataPlaneClient): Promise<void> {
    const { replica } = task
    return this.#serially(task, async () => {
      const log = await replica.ready()
      await log.flush()
      const epoch = log.latestEpoch
      if (epoch < 0) return
      const answer = await client.offsetsForLeaderEpoch({
        topic: replica.topic,
        partition: replica.partition,
        replicaId: this.#brokerId,
        currentLeaderEpoch: task.leaderEpoch,
        leaderEpoch: epoch,
      })
      if (answer.errorCode !== 0) throw errorFromWire(answer.errorCode, answer.errorMessage)
      if (task.stopped) return
      const current = await replica.ready()
      const target = truncationOffset(current, epoch, answer)
      if (target >= current.logEndOffset) return
      this.#logger.info(
        {
          partition: `${replica.topic}-${replica.partition}`,
          leader: task.leader,
          leaderEpoch: task.leaderEpoch,
          epoch,
          leaderAnswer: answer,
          from: current.logEndOffset,
          to: target,
        },
        'truncating to the new leader',
      )
      truncateLog(current, target)
    })
  }

  /** Runs `write` after the replica's earlier writes, unless `task` was stopped meanwhile. */
  #serially(task: FollowTask, write: () => Promise<void>): Promise<void> {
    const previous = this.#writes.get(task.replica) ?? Promise.resolve()
    const run = previous.then(() => (task.stopped ? undefined : write()))
    const settled = run.catch(() => {})
    this.#writes.set(task.replica, settled)
    void settled.then(() => {
      if (this.#writes.get(task.replica) === settled) this.#writes.delete(task.replica)
    })
    return run
  }

  #client(leader: number): DataPlaneClient | undefined {
    const broker = this.#image.broker(leader)
    const endpoint =
      broker?.endpoints.find((e) => e.name === INTERNAL_ENDPOINT) ??
      broker?.endpoints.find((e) => e.name === CLIENT_ENDPOINT)
    return endpoint === undefined ? undefined : this.#connector.connect(leader, endpoint)
  }
}

function truncateLog(log: PartitionLog, offset: number): void {
  if (offset < log.logStartOffset) log.truncateFullyAndStartAt(offset)
  else log.truncateTo(offset)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
