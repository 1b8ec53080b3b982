import {
  type ControllerClient,
  ErrorCode,
  type Logger,
  type MetadataImage,
  type PartitionState,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'
import type { LedPartition, Replica, ReplicaManager } from '../replica/index.ts'
import { PartitionLeadership } from './leadership.ts'

/** Kafka's replica.lag.time.max.ms default. */
export const DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30_000

/** How long to wait for the image to show an ISR change the controller accepted before asking again. */
const ACCEPTED_RETRY_MS = 5_000
/** How long to wait before asking again after the controller could not be reached. */
const UNREACHABLE_RETRY_MS = 1_000

/**
 * Controller refusals that mean the change was not applied and never will be as asked: the
 * pending change is dropped. Other refusals (a new leader epoch, a stale partition epoch, a
 * stale broker epoch) mean the image is about to move, and the pending change stays until it does.
 */
const DROPPING_REFUSALS: ReadonlySet<string> = new Set([
  ErrorCode.IneligibleReplica,
  ErrorCode.InvalidRequest,
])

export interface ReplicaLeadersOptions {
  readonly brokerId: number
  readonly replicas: ReplicaManager
  readonly image: MetadataImage
  readonly controller: Pick<ControllerClient, 'alterPartition'>
  /** This broker's current registration epoch (the controller refuses a stale one). */
  readonly brokerEpoch: () => number
  readonly replicaLagTimeMaxMs?: number
  readonly logger?: Logger
  readonly now?: () => number
}

/**
 * The leader side of replication for every partition this broker leads: one
 * {@link PartitionLeadership} per partition and leader epoch, fed by follower fetches and
 * appends; the high watermark it moves wakes waiting fetches and acks=all produces. It asks the
 * controller to shrink the ISR when an in-sync follower has not caught up for
 * `replica.lag.time.max.ms`, and to expand it when a follower outside it has caught up with the
 * high watermark and the start of this leader epoch (Kafka's Partition.maybeShrinkIsr /
 * maybeExpandIsr, through AlterPartition).
 */
export class ReplicaLeaders {
  readonly #brokerId: number
  readonly #replicas: ReplicaManager
  readonly #image: MetadataImage
  readonly #controller: Pick<ControllerClient, 'alterPartition'>
  readonly #brokerEpoch: () => number
  readonly #lagTimeMaxMs: number
  readonly #logger: Logger
  readonly #now: () => number
  readonly #leaderships = new Map<Replica, PartitionLeadership>()
  #timer: NodeJS.Timeout | undefined

  constructor(options: ReplicaLeadersOptions) {
    this.#brokerId = options.brokerId
    this.#replicas = options.replicas
    this.#image = options.image
    this.#controller = options.controller
    this.#brokerEpoch = options.brokerEpoch
    this.#lagTimeMaxMs = options.replicaLagTimeMaxMs ?? DEFAULT_REPLICA_LAG_TIME_MAX_MS
    this.#logger = (options.logger ?? silentLogger).child({ component: 'replica-leaders' })
    this.#now = options.now ?? Date.now
  }

  /** Starts the periodic ISR shrink check (every half `replica.lag.time.max.ms`, as Kafka). */
  start(): void {
    if (this.#timer !== undefined) return
    const interval = Math.max(50, Math.floor(this.#lagTimeMaxMs / 2))
    this.#timer = setInterval(() => this.shrinkLaggingIsr(), interval)
    this.#timer.unref()
  }

  /** Stops the check and ends every leadership (waiting produces fail). */
  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    for (const leadership of this.#leaderships.values()) leadership.end('the broker is stopping')
    this.#leaderships.clear()
  }

  /** The leadership of `led` at its current leader epoch, begun now if it is new. */
  of(led: LedPartition, log: PartitionLog): PartitionLeadership {
    const known = this.#leaderships.get(led.replica)
    if (known !== undefined && known.leaderEpoch === led.state.leaderEpoch && !known.ended) {
      return known
    }
    known?.end(`leader epoch ${led.state.leaderEpoch} replaced ${known.leaderEpoch}`)
    const leadership = new PartitionLeadership({
      brokerId: this.#brokerId,
      state: led.state,
      log,
      now: this.#now(),
    })
    this.#leaderships.set(led.replica, leadership)
    this.#logger.info(
      {
        partition: `${led.topic.name}-${led.state.partition}`,
        leaderEpoch: leadership.leaderEpoch,
        logEndOffset: log.logEndOffset,
        highWatermark: log.highWatermark,
        isr: led.state.isr,
      },
      'leading partition',
    )
    return leadership
  }

  /** After the leader appended: with a lone in-sync replica, that alone commits. */
  afterAppend(led: LedPartition, log: PartitionLog): PartitionLeadership {
    const leadership = this.of(led, log)
    if (leadership.advance(log, led.state)) led.replica.notify()
    return leadership
  }

  /**
   * The high watermark as the ISR allows it now: run on every request too, because after a
   * restart the checkpointed high watermark can trail what the ISR holds (it is written at the
   * end of an event-loop turn), and a lone in-sync replica must then treat its whole log as
   * committed at once.
   */
  refresh(led: LedPartition, log: PartitionLog): void {
    if (this.of(led, log).advance(log, led.state)) led.replica.notify()
  }

  /**
   * A follower fetched from `fetchOffset`: it holds everything below. Moves the high watermark,
   * and asks for the follower to join the ISR once it has caught up.
   */
  onFollowerFetch(led: LedPartition, log: PartitionLog, replicaId: number, fetchOffset: number) {
    // Past this log's end the follower's log is not this leader's (it must truncate first; the
    // read answers OFFSET_OUT_OF_RANGE): as in Kafka, such a fetch says nothing of its position.
    if (fetchOffset > log.logEndOffset) return
    const leadership = this.of(led, log)
    const now = this.#now()
    leadership.recordFetch(replicaId, fetchOffset, log.logEndOffset, now)
    if (leadership.advance(log, led.state)) led.replica.notify()
    const isr = leadership.effectiveIsr(led.state)
    if (
      !isr.includes(replicaId) &&
      fetchOffset >= log.highWatermark &&
      fetchOffset >= leadership.epochStartOffset &&
      this.#image.broker(replicaId)?.fenced === false
    ) {
      this.#propose(led, leadership, [...led.state.isr, replicaId], 'caught up')
    }
  }

  /**
   * After the image changed: leaderships this broker no longer holds end (their waiting produces
   * fail), the others recompute their high watermark (the ISR may have shrunk), and new ones begin.
   */
  onImageChanged(): void {
    for (const [replica, leadership] of this.#leaderships) {
      const led = this.#ledNow(replica)
      if (led === undefined || led.state.leaderEpoch !== leadership.leaderEpoch) {
        leadership.end(
          `broker ${this.#brokerId} no longer leads at epoch ${leadership.leaderEpoch}`,
        )
        this.#leaderships.delete(replica)
        replica.notify()
        continue
      }
      if (leadership.advance(replica.log, led.state)) replica.notify()
    }
    // Leaderships begin when the image says so, not at the first request: the lag clock of the
    // followers and the epoch's start offset count from then.
    for (const { topic, partition } of this.#replicas.ledPartitions) {
      const replica = this.#replicas.replica(topic, partition)
      const led = replica === undefined ? undefined : this.#ledNow(replica)
      if (led !== undefined && !this.#leaderships.has(led.replica)) this.of(led, led.replica.log)
    }
  }

  /** Asks to remove from the ISR every follower that has not caught up within the lag time. */
  shrinkLaggingIsr(): void {
    const now = this.#now()
    for (const [replica, leadership] of this.#leaderships) {
      const led = this.#ledNow(replica)
      if (led === undefined || led.state.leaderEpoch !== leadership.leaderEpoch) continue
      const lagging = led.state.isr.filter((id) => {
        if (id === this.#brokerId) return false
        const follower = leadership.followers.get(id)
        return follower === undefined || now - follower.lastCaughtUpTimeMs > this.#lagTimeMaxMs
      })
      if (lagging.length === 0) continue
      const isr = led.state.isr.filter((id) => !lagging.includes(id))
      this.#propose(led, leadership, isr, `lagging more than ${this.#lagTimeMaxMs} ms: ${lagging}`)
    }
  }

  #ledNow(replica: Replica): LedPartition | undefined {
    try {
      const led = this.#replicas.leaderOf(replica.topic, replica.partition)
      return led.replica === replica ? led : undefined
    } catch {
      return undefined
    }
  }

  #propose(led: LedPartition, leadership: PartitionLeadership, isr: number[], why: string) {
    const now = this.#now()
    const state: PartitionState = led.state
    leadership.effectiveIsr(state) // drops a pending change the image has passed
    const pending = leadership.pendingIsr
    if (leadership.proposing || (pending !== undefined && now < pending.retryAtMs)) return
    const partition = `${led.topic.name}-${state.partition}`
    leadership.proposing = true
    leadership.pendingIsr = {
      isr,
      basedOnPartitionEpoch: state.partitionEpoch,
      retryAtMs: now + ACCEPTED_RETRY_MS,
    }
    this.#logger.info({ partition, from: state.isr, to: isr, why }, 'asking to change the ISR')
    this.#controller
      .alterPartition({
        brokerId: this.#brokerId,
        brokerEpoch: this.#brokerEpoch(),
        topicId: led.topic.topicId,
        partition: state.partition,
        leaderEpoch: leadership.leaderEpoch,
        partitionEpoch: state.partitionEpoch,
        isr,
      })
      .then((result) => {
        this.#logger.info(
          { partition, isr: result.isr, partitionEpoch: result.partitionEpoch },
          'ISR changed',
        )
      })
      .catch((error: unknown) => {
        const pendingNow = leadership.pendingIsr
        if (error instanceof TributaryError && DROPPING_REFUSALS.has(error.code)) {
          leadership.pendingIsr = undefined
        } else if (pendingNow !== undefined && !(error instanceof TributaryError)) {
          pendingNow.retryAtMs = this.#now() + UNREACHABLE_RETRY_MS
        }
        this.#logger.warn({ err: error, partition, isr }, 'ISR change refused or not sent')
      })
      .finally(() => {
        leadership.proposing = false
      })
  }
}
