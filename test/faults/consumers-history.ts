/**
 * What the consumer-group fault scenario (scenario 7 of issue 6) records as it runs, and what
 * its checker (`consumers-checker.ts`) reads: every produce with its outcome, every record a
 * member processed, every request a member made of its consumer instance, every read of the
 * group's committed offsets, and every time the group's coordinator may have moved. Times are milliseconds on one monotonic clock of the test
 * process, which runs the producers and every member, so times of different members compare.
 */

/** How a request ended: answered with success, refused for sure, or not known (5xx, timeout). */
export type Outcome = 'ok' | 'failed' | 'unknown'

/** A request's span: sent at `invokeMs`, answered (or given up) at `completeMs`. */
export interface Timed {
  readonly invokeMs: number
  readonly completeMs: number
}

/** One record sent by the producer; `offset` is set exactly when the outcome is ok. */
export interface ProduceEvent extends Timed {
  readonly partition: number
  readonly value: string
  readonly outcome: Outcome
  readonly offset: number | null
}

/** One record a member processed (after it was delivered, before any commit covering it). */
export interface ProcessEvent {
  readonly member: string
  readonly partition: number
  readonly offset: number
  readonly value: string
  readonly atMs: number
}

/** A partition's committed offset: the next offset to read (REST Proxy `GET …/offsets`). */
export interface PartitionOffset {
  readonly partition: number
  readonly offset: number
}

/** The requests a member makes of its consumer instance. */
export type MemberOpKind = 'create' | 'subscribe' | 'assignments' | 'poll' | 'commit' | 'delete'

/**
 * One request of one member. A member is one consumer instance (a recreated instance is a new
 * member) and makes one request at a time, so its ops never overlap.
 */
export interface MemberOp extends Timed {
  readonly member: string
  readonly op: MemberOpKind
  readonly outcome: Outcome
  /**
   * The partitions this op shows the member owning at some instant within it: for a poll, the
   * partitions it returned records of; for assignments, those listed; for an ok commit, those
   * committed. Empty unless the outcome is ok.
   */
  readonly holds: readonly number[]
  /** For a commit: the offsets asked for (next to read, i.e. last processed + 1). */
  readonly offsets?: readonly PartitionOffset[]
  /** The HTTP status and REST error code, when the outcome is not ok (for the report). */
  readonly error?: string
}

/** One read of the group's committed offsets (v3 lags, or v2 `GET …/offsets`). */
export interface CommittedRead extends Timed {
  readonly source: string
  /** The partitions with a committed offset at the read; others are left out. */
  readonly offsets: readonly PartitionOffset[]
}

/** What made the scenario record a coordinator move. */
export type CoordinatorMoveCause = 'kill' | 'observed'

/**
 * A span within which the group's coordinator may have moved to another broker (or gone and
 * come back, with a new leader epoch). The broker taking over replays the group's instances as
 * non-members holding nothing, so every member loses its partitions there without being told;
 * they rejoin at their next poll. A member request answered before `invokeMs` was served by the
 * old coordinator, one sent after `completeMs` by the new one (or a later one).
 *
 * - `kill`: the scenario SIGKILLed the coordinating broker, from sending the signal to the
 *   process's exit (after which nothing can be served by it).
 * - `observed`: the coordinator's broker changed as the gateway reports it (and the gateway
 *   routes every group call by that same view): from sending the last read that showed the
 *   old one to the answer of the first read that showed the new one.
 */
export interface CoordinatorMove extends Timed {
  readonly cause: CoordinatorMoveCause
  /** The broker that coordinated before (null: none had the partition's leadership). */
  readonly from: number | null
  /** The broker seen coordinating after (null: not known, or none had it). */
  readonly to: number | null
}

/** Everything one run of the scenario recorded, for one topic and one group. */
export interface ConsumersHistory {
  /** The members' session timeout, which bounds how long a silent member keeps its partitions. */
  readonly sessionTimeoutMs: number
  readonly produced: readonly ProduceEvent[]
  readonly processed: readonly ProcessEvent[]
  readonly memberOps: readonly MemberOp[]
  readonly committedReads: readonly CommittedRead[]
  readonly coordinatorMoves: readonly CoordinatorMove[]
}

/** The recorder the producers, members and observer share during a run. */
export class HistoryRecorder {
  readonly produced: ProduceEvent[] = []
  readonly processed: ProcessEvent[] = []
  readonly memberOps: MemberOp[] = []
  readonly committedReads: CommittedRead[] = []
  readonly coordinatorMoves: CoordinatorMove[] = []
  readonly #origin = performance.now()

  constructor(readonly sessionTimeoutMs: number) {}

  /** Milliseconds since the recorder was made, on the monotonic clock. */
  now(): number {
    return performance.now() - this.#origin
  }

  /**
   * How many requests and records the run made (the long form's "operations"): the watch on
   * the coordinator's place is not counted, as the scenario's other admin reads are not.
   */
  get operations(): number {
    return (
      this.produced.length +
      this.processed.length +
      this.memberOps.length +
      this.committedReads.length
    )
  }

  /** A snapshot of what was recorded so far, as the checker takes it. */
  history(): ConsumersHistory {
    return {
      sessionTimeoutMs: this.sessionTimeoutMs,
      produced: [...this.produced],
      processed: [...this.processed],
      memberOps: [...this.memberOps],
      committedReads: [...this.committedReads],
      coordinatorMoves: [...this.coordinatorMoves],
    }
  }
}
