/**
 * The checker of the consumer-group fault scenario (scenario 7 of issue 6): a pure function of
 * a recorded history (`consumers-history.ts`), so hand-made histories test it without a server.
 * It reports, per partition of the one topic the group reads:
 *
 * - `lost`: an acknowledged record (produce answered with its offset) that no member processed.
 * - `wrong-value`: a member processed, at an acknowledged offset, another value than the one
 *   acknowledged there; two values acknowledged at one offset; or two values processed at one.
 * - `commit-skipped`: a commit was acknowledged at offset c while an acknowledged record below c
 *   had not been processed by anyone when the commit was answered. Members commit only after
 *   processing, so this shows a delivery that jumped over records (the cause of a later loss).
 * - `committed-backwards`: the group's committed offset of a partition went down. Every
 *   acknowledged commit and every read of committed offsets is an observation of one register;
 *   when observation A was answered before observation B was sent, B must not be below A.
 *   Unknown-outcome commits are not observations (they may or may not have taken effect), but
 *   a read may show them.
 * - `two-owners`: two members owned one partition at the same time. Ownership is not directly
 *   observable, so the checker proves *tenures* from what the coordinator's protocol
 *   guarantees and reports two tenures of different members that overlap:
 *
 *   A member op *shows* the member owning p when it is ok and p is in its `holds` (a poll that
 *   returned records of p: the coordinator accepted their delivery only while the member owned
 *   p; an assignments answer listing p; an acknowledged commit of p, which the coordinator
 *   refuses for a partition the member does not own). For two consecutive ops o1, o2 of one
 *   member (it makes one request at a time, so nothing of its own happened between) that both
 *   show p, the member owned p throughout [o1.complete, o2.invoke] if nothing could have taken p
 *   away in between. Only the member's own requests reconcile its partitions, so what remains is
 *   expiry (its session timing out), the loss of its instance, and a coordinator move. An
 *   instance that is lost makes o2 fail (40403). Expiry is ruled out when o2 is an acknowledged
 *   commit (the coordinator applies expiry before it checks ownership) or when o2.complete −
 *   o1.invoke is within the session timeout (the member was never silent that long). A
 *   coordinator move drops every member's partitions silently (the new coordinator replays the
 *   instances as non-members holding nothing, and a member may win p back at its next poll, so
 *   o2 can show p again); it is ruled out when no recorded move's span (`CoordinatorMove`)
 *   meets [o1.invoke, o2.complete]: o2 was answered before the move began, or o1 was sent after
 *   it ended. Such an interval is a tenure; processing by a member whose session had expired
 *   (the stalled member) makes none.
 *
 * The definitions rely on requests a member gave up on not still being at work in the gateway:
 * members give requests a client timeout well past the gateway's own bounds.
 */
import type {
  ConsumersHistory,
  CoordinatorMove,
  MemberOp,
  PartitionOffset,
  ProcessEvent,
  Timed,
} from './consumers-history.ts'

/** The properties scenario 7 checks (see the file comment). */
export type ConsumersAnomalyKind =
  | 'lost'
  | 'wrong-value'
  | 'commit-skipped'
  | 'committed-backwards'
  | 'two-owners'

/** One violation found, with a sentence saying what and where. */
export interface ConsumersAnomaly {
  readonly kind: ConsumersAnomalyKind
  readonly partition: number
  readonly message: string
}

/** An interval over which a member provably owned a partition. */
export interface Tenure {
  readonly member: string
  readonly partition: number
  readonly fromMs: number
  readonly toMs: number
}

/** The checker's verdict and what it counted. */
export interface ConsumersCheck {
  readonly anomalies: readonly ConsumersAnomaly[]
  /** Acknowledged records (distinct offsets). */
  readonly acknowledged: number
  /** Acknowledged records processed at least once. */
  readonly processed: number
  /** Acknowledged commits and reads of committed offsets compared. */
  readonly offsetObservations: number
  /** Tenures proven. */
  readonly tenures: number
}

/** Checks a history against the scenario's properties (see the file comment). */
export function checkConsumers(history: ConsumersHistory): ConsumersCheck {
  const anomalies: ConsumersAnomaly[] = []
  const acked = acknowledgedRecords(history, anomalies)
  const firstProcessed = processedRecords(history.processed, acked, anomalies)
  let processed = 0
  for (const [key, record] of acked) {
    if (firstProcessed.has(key)) {
      processed++
      continue
    }
    anomalies.push({
      kind: 'lost',
      partition: record.partition,
      message: `${record.value} acknowledged at ${key} was never processed`,
    })
  }
  checkCommitsCoverProcessing(history.memberOps, acked, firstProcessed, anomalies)
  const offsetObservations = checkCommittedMonotonic(history, anomalies)
  const tenures = tenuresOf(history.memberOps, history.sessionTimeoutMs, history.coordinatorMoves)
  anomalies.push(...overlappingTenures(tenures))
  return {
    anomalies,
    acknowledged: acked.size,
    processed,
    offsetObservations,
    tenures: tenures.length,
  }
}

interface AckedRecord {
  readonly partition: number
  readonly offset: number
  readonly value: string
}

const keyOf = (partition: number, offset: number) => `${partition}:${offset}`

function acknowledgedRecords(
  history: ConsumersHistory,
  anomalies: ConsumersAnomaly[],
): Map<string, AckedRecord> {
  const acked = new Map<string, AckedRecord>()
  for (const event of history.produced) {
    if (event.outcome !== 'ok' || event.offset === null) continue
    const key = keyOf(event.partition, event.offset)
    const earlier = acked.get(key)
    if (earlier !== undefined && earlier.value !== event.value) {
      anomalies.push({
        kind: 'wrong-value',
        partition: event.partition,
        message: `two values acknowledged at ${key}: ${earlier.value} and ${event.value}`,
      })
      continue
    }
    acked.set(key, { partition: event.partition, offset: event.offset, value: event.value })
  }
  return acked
}

/** When each offset was first processed; reports values that disagree. */
function processedRecords(
  processed: readonly ProcessEvent[],
  acked: ReadonlyMap<string, AckedRecord>,
  anomalies: ConsumersAnomaly[],
): Map<string, number> {
  const first = new Map<string, number>()
  const valueAt = new Map<string, string>()
  const reported = new Set<string>()
  for (const event of processed) {
    const key = keyOf(event.partition, event.offset)
    const expected = acked.get(key)?.value ?? valueAt.get(key)
    if (expected !== undefined && expected !== event.value && !reported.has(key)) {
      reported.add(key)
      anomalies.push({
        kind: 'wrong-value',
        partition: event.partition,
        message: `${event.member} processed ${event.value} at ${key}, where ${expected} is (acknowledged or processed before)`,
      })
    }
    if (!valueAt.has(key)) valueAt.set(key, event.value)
    first.set(key, Math.min(first.get(key) ?? Number.POSITIVE_INFINITY, event.atMs))
  }
  return first
}

/** Acknowledged commits, one entry per partition committed. */
function* acknowledgedCommits(ops: readonly MemberOp[]) {
  for (const op of ops) {
    if (op.op !== 'commit' || op.outcome !== 'ok') continue
    for (const offset of op.offsets ?? []) yield { op, ...offset }
  }
}

function checkCommitsCoverProcessing(
  ops: readonly MemberOp[],
  acked: ReadonlyMap<string, AckedRecord>,
  firstProcessed: ReadonlyMap<string, number>,
  anomalies: ConsumersAnomaly[],
): void {
  // Per partition, acknowledged offsets in order and the latest "first processed" time so far.
  const byPartition = new Map<number, { offsets: number[]; latestMs: number[] }>()
  const sorted = [...acked.values()].sort(
    (a, b) => a.partition - b.partition || a.offset - b.offset,
  )
  for (const record of sorted) {
    let entry = byPartition.get(record.partition)
    if (entry === undefined) {
      entry = { offsets: [], latestMs: [] }
      byPartition.set(record.partition, entry)
    }
    const at = firstProcessed.get(keyOf(record.partition, record.offset))
    const previous = entry.latestMs.at(-1) ?? Number.NEGATIVE_INFINITY
    entry.offsets.push(record.offset)
    entry.latestMs.push(Math.max(previous, at ?? Number.POSITIVE_INFINITY))
  }
  const reported = new Set<number>()
  for (const commit of acknowledgedCommits(ops)) {
    const entry = byPartition.get(commit.partition)
    if (entry === undefined || reported.has(commit.partition)) continue
    const below = countBelow(entry.offsets, commit.offset)
    if (below === 0 || (entry.latestMs[below - 1] as number) <= commit.op.completeMs) continue
    reported.add(commit.partition)
    const skipped = entry.offsets
      .slice(0, below)
      .filter(
        (offset) =>
          (firstProcessed.get(keyOf(commit.partition, offset)) ?? Number.POSITIVE_INFINITY) >
          commit.op.completeMs,
      )
    anomalies.push({
      kind: 'commit-skipped',
      partition: commit.partition,
      message: `${commit.op.member} committed ${commit.offset} on partition ${commit.partition} at ${fmt(commit.op.completeMs)} before acknowledged offsets ${preview(skipped)} were processed`,
    })
  }
}

/** How many of the ascending `values` are below `limit`. */
function countBelow(values: readonly number[], limit: number): number {
  let low = 0
  let high = values.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((values[middle] as number) < limit) low = middle + 1
    else high = middle
  }
  return low
}

interface Observation extends Timed {
  readonly offset: number
  readonly what: string
}

function checkCommittedMonotonic(history: ConsumersHistory, anomalies: ConsumersAnomaly[]): number {
  const byPartition = new Map<number, Observation[]>()
  const observe = (timed: Timed, offset: PartitionOffset, what: string) => {
    let list = byPartition.get(offset.partition)
    if (list === undefined) {
      list = []
      byPartition.set(offset.partition, list)
    }
    list.push({
      invokeMs: timed.invokeMs,
      completeMs: timed.completeMs,
      offset: offset.offset,
      what,
    })
  }
  for (const commit of acknowledgedCommits(history.memberOps)) {
    observe(commit.op, commit, `${commit.op.member}'s commit`)
  }
  for (const read of history.committedReads) {
    for (const offset of read.offsets) observe(read, offset, `a ${read.source} read`)
  }
  let count = 0
  for (const [partition, observations] of byPartition) {
    count += observations.length
    const byCompletion = [...observations].sort((a, b) => a.completeMs - b.completeMs)
    const completions = byCompletion.map((observation) => observation.completeMs)
    // The highest observation among the first i+1 answered.
    const highest: Observation[] = []
    for (const observation of byCompletion) {
      const previous = highest.at(-1)
      highest.push(
        previous !== undefined && previous.offset >= observation.offset ? previous : observation,
      )
    }
    const reportedAgainst = new Set<Observation>()
    for (const later of [...observations].sort((a, b) => a.invokeMs - b.invokeMs)) {
      const answeredBefore = countBelow(completions, later.invokeMs)
      const earlier = highest[answeredBefore - 1]
      if (earlier === undefined || earlier.offset <= later.offset) continue
      if (reportedAgainst.has(earlier)) continue
      reportedAgainst.add(earlier)
      anomalies.push({
        kind: 'committed-backwards',
        partition,
        message: `partition ${partition}: ${later.what} at ${fmt(later.invokeMs)} saw ${later.offset} after ${earlier.what} answered ${earlier.offset} at ${fmt(earlier.completeMs)}`,
      })
    }
  }
  return count
}

/** The tenures the members' ops prove, given the coordinator moves recorded (see the file comment). */
export function tenuresOf(
  ops: readonly MemberOp[],
  sessionTimeoutMs: number,
  moves: readonly CoordinatorMove[] = [],
): Tenure[] {
  const byMember = new Map<string, MemberOp[]>()
  for (const op of ops) {
    const list = byMember.get(op.member) ?? []
    list.push(op)
    byMember.set(op.member, list)
  }
  const tenures: Tenure[] = []
  for (const [member, list] of byMember) {
    list.sort((a, b) => a.invokeMs - b.invokeMs)
    for (let i = 1; i < list.length; i++) {
      const first = list[i - 1] as MemberOp
      const second = list[i] as MemberOp
      if (second.invokeMs < first.completeMs) {
        throw new Error(
          `history is malformed: ${member} has overlapping requests at ${fmt(second.invokeMs)}`,
        )
      }
      if (first.outcome !== 'ok' || second.outcome !== 'ok') continue
      const kept = second.op === 'commit' || second.completeMs - first.invokeMs <= sessionTimeoutMs
      if (!kept || second.invokeMs <= first.completeMs) continue
      if (moves.some((move) => mayHaveMovedBetween(move, first, second))) continue
      for (const partition of first.holds) {
        if (!second.holds.includes(partition)) continue
        tenures.push({ member, partition, fromMs: first.completeMs, toMs: second.invokeMs })
      }
    }
  }
  return tenures
}

/**
 * Whether `move` may have happened after `first` showed what the member owned and before
 * `second` did: unless `second` was answered before the move began, or `first` was sent after
 * it ended.
 */
function mayHaveMovedBetween(move: Timed, first: Timed, second: Timed): boolean {
  return second.completeMs > move.invokeMs && first.invokeMs < move.completeMs
}

/** Two members' tenures of one partition that overlap: one report per pair of members and partition. */
function overlappingTenures(tenures: readonly Tenure[]): ConsumersAnomaly[] {
  const anomalies: ConsumersAnomaly[] = []
  const reported = new Set<string>()
  const sorted = [...tenures].sort((a, b) => a.partition - b.partition || a.fromMs - b.fromMs)
  let open: Tenure[] = []
  let partition = Number.NaN
  for (const tenure of sorted) {
    if (tenure.partition !== partition) {
      partition = tenure.partition
      open = []
    }
    open = open.filter((other) => other.toMs > tenure.fromMs)
    for (const other of open) {
      if (other.member === tenure.member) continue
      const pair = `${partition}:${[other.member, tenure.member].sort().join('+')}`
      if (reported.has(pair)) continue
      reported.add(pair)
      anomalies.push({
        kind: 'two-owners',
        partition,
        message: `partition ${partition} owned by ${other.member} over [${fmt(other.fromMs)}, ${fmt(other.toMs)}] and by ${tenure.member} over [${fmt(tenure.fromMs)}, ${fmt(tenure.toMs)}]`,
      })
    }
    open.push(tenure)
  }
  return anomalies
}

const fmt = (ms: number) => `${Math.round(ms)} ms`

function preview(offsets: readonly number[]): string {
  const shown = offsets.slice(0, 5).join(', ')
  return offsets.length > 5 ? `${shown} … (${offsets.length})` : shown
}
