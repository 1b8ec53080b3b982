import { ErrorCode, type PartitionState, TributaryError } from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'

/** What the leader knows of one follower, from its fetches in this leader epoch (Kafka's Replica). */
export interface FollowerState {
  /** The follower's log end: its last fetch asked from here, so it holds everything below. */
  logEndOffset: number
  lastFetchTimeMs: number
  /** The leader's log end when that fetch arrived. */
  lastFetchLeaderLogEndOffset: number
  /** The last time the follower had everything the leader had (replica.lag.time.max.ms counts from it). */
  lastCaughtUpTimeMs: number
}

/** An ISR change sent to the controller and not yet seen in the image. */
export interface PendingIsr {
  readonly isr: readonly number[]
  /** The partition epoch the change was based on: once the image passes it, the image rules. */
  readonly basedOnPartitionEpoch: number
  /** When the change may be asked for again if the image still does not show it (ms). */
  retryAtMs: number
}

interface CommitWaiter {
  readonly offset: number
  readonly resolve: () => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

/**
 * One partition's leadership for one leader epoch (the leader half of Kafka's Partition): the
 * followers' fetch positions, the high watermark they allow, and the acks=all produces waiting
 * for it. A new leader epoch gets a new object: positions learned under an older epoch say
 * nothing about logs that may have been truncated since.
 *
 * The high watermark is the lowest log end among the ISR the image names, together with any
 * member this leader has asked the controller to add and the image does not show yet (Kafka's
 * "maximal ISR"): a follower being added counts from the moment the request leaves, so a write
 * is never acknowledged without a replica that may already be in the ISR the controller holds.
 */
export class PartitionLeadership {
  readonly brokerId: number
  readonly leaderEpoch: number
  /** The log end when this leadership began: a follower below it cannot join the ISR. */
  readonly epochStartOffset: number
  readonly followers = new Map<number, FollowerState>()
  pendingIsr: PendingIsr | undefined
  /** Whether an ISR change request is in flight (one at a time). */
  proposing = false
  #waiters: CommitWaiter[] = []
  #ended: Error | undefined

  constructor(options: {
    readonly brokerId: number
    readonly state: PartitionState
    readonly log: PartitionLog
    readonly now: number
  }) {
    this.brokerId = options.brokerId
    this.leaderEpoch = options.state.leaderEpoch
    this.epochStartOffset = options.log.logEndOffset
    // In-sync followers start caught up: they get replica.lag.time.max.ms to fetch from this
    // leader before it may ask for them to leave the ISR.
    for (const id of options.state.isr) {
      if (id === this.brokerId) continue
      this.followers.set(id, {
        logEndOffset: -1,
        lastFetchTimeMs: options.now,
        lastFetchLeaderLogEndOffset: -1,
        lastCaughtUpTimeMs: options.now,
      })
    }
  }

  /** Whether this leadership has ended (a new epoch, or the broker no longer leads). */
  get ended(): boolean {
    return this.#ended !== undefined
  }

  /** Records a follower's fetch from `fetchOffset` (Kafka's Replica.updateFetchState). */
  recordFetch(replicaId: number, fetchOffset: number, leaderLogEndOffset: number, now: number) {
    const known = this.followers.get(replicaId)
    const state: FollowerState = known ?? {
      logEndOffset: -1,
      lastFetchTimeMs: now,
      lastFetchLeaderLogEndOffset: -1,
      lastCaughtUpTimeMs: 0,
    }
    if (fetchOffset >= leaderLogEndOffset) {
      state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, now)
    } else if (known !== undefined && fetchOffset >= state.lastFetchLeaderLogEndOffset) {
      // It has everything the leader had at its previous fetch: caught up as of then.
      state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs)
    }
    state.logEndOffset = fetchOffset
    state.lastFetchTimeMs = now
    state.lastFetchLeaderLogEndOffset = leaderLogEndOffset
    this.followers.set(replicaId, state)
  }

  /** The members whose log ends bound the high watermark: the image's ISR ∪ a pending change. */
  effectiveIsr(state: PartitionState): readonly number[] {
    const pending = this.pendingIsr
    if (pending === undefined) return state.isr
    if (state.partitionEpoch > pending.basedOnPartitionEpoch) {
      this.pendingIsr = undefined
      return state.isr
    }
    return [...new Set([...state.isr, ...pending.isr])]
  }

  /**
   * Moves the high watermark up to the lowest log end in the effective ISR (never down), and
   * settles the produces it commits. Returns whether it moved.
   */
  advance(log: PartitionLog, state: PartitionState): boolean {
    let low = log.logEndOffset
    for (const id of this.effectiveIsr(state)) {
      if (id === this.brokerId) continue
      const end = this.followers.get(id)?.logEndOffset ?? -1
      if (end < low) low = end
    }
    const before = log.highWatermark
    const moved = low > before ? log.setHighWatermark(low) > before : false
    this.#settle(log.highWatermark)
    return moved
  }

  /**
   * Resolves once the high watermark reaches `offset` (every ISR member holds what lies below);
   * rejects with REQUEST_TIMED_OUT after `timeoutMs`, or NOT_LEADER_OR_FOLLOWER if this
   * leadership ends first: the write's fate is then unknown to the producer, as in Kafka.
   */
  waitForCommit(log: PartitionLog, offset: number, timeoutMs: number): Promise<void> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended)
    if (log.highWatermark >= offset) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.timer !== timer)
        reject(
          new TributaryError(
            ErrorCode.RequestTimedOut,
            `the in-sync replicas did not all confirm offset ${offset - 1} within ${timeoutMs} ms`,
          ),
        )
      }, timeoutMs)
      this.#waiters.push({ offset, resolve, reject, timer })
    })
  }

  /** Ends this leadership: every waiting produce fails with `reason`. */
  end(reason: string): void {
    if (this.#ended !== undefined) return
    this.#ended = new TributaryError(ErrorCode.NotLeaderOrFollower, reason)
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) {
      clearTimeout(waiter.timer)
      waiter.reject(this.#ended)
    }
  }

  /** Produces waiting for the ISR; for metrics and tests. */
  get waiting(): number {
    return this.#waiters.length
  }

  #settle(highWatermark: number): void {
    if (this.#waiters.length === 0) return
    const still: CommitWaiter[] = []
    for (const waiter of this.#waiters) {
      if (waiter.offset <= highWatermark) {
        clearTimeout(waiter.timer)
        waiter.resolve()
      } else still.push(waiter)
    }
    this.#waiters = still
  }
}
