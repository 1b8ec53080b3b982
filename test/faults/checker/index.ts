/**
 * The checker of a fault run: a pure function of its {@link History} (no clock, no I/O), so each
 * anomaly can be shown with a hand-made history. It finds what Jepsen's Kafka queue test looks
 * for, as the issue lists it:
 *
 * - `lost`: an acknowledged value the final drain does not hold at the offset it was acknowledged
 *   at (absent, or present elsewhere): the one anomaly a replicated log must never show.
 * - `duplicates`: a value read (by a consumer or the drain) at two positions. The gateway retries a
 *   batch whose connection failed, so a value can be written twice without anything being wrong
 *   (at-least-once produce, as a Kafka producer without idempotence): counted, not a failure.
 * - `twoAtOffset`: two values seen at one (partition, offset) across acknowledgements, consumer
 *   reads and the drain: a log that diverged, or a read of a tail that was later truncated.
 * - `backwards`: a consumer whose reads of one partition did not move strictly forward.
 * - `beyondHw`: a value a consumer read that the drain does not hold at that offset: the consumer
 *   saw a record above the high watermark, which was then truncated away.
 * - `failedPresent`: a value whose answer said it was not appended, found in the log.
 */
import type { DrainedPartition, History, Observed } from '../history/index.ts'

export const ANOMALY_KINDS = [
  'lost',
  'duplicates',
  'twoAtOffset',
  'backwards',
  'beyondHw',
  'failedPresent',
] as const

export type AnomalyKind = (typeof ANOMALY_KINDS)[number]

export type AnomalyCounts = Readonly<Record<AnomalyKind, number>>

/** Where a value sits in the topic. */
export interface Position {
  readonly partition: number
  readonly offset: number
}

export interface LostWrite extends Position {
  readonly value: string
  /** Where the drain holds the value instead (empty: nowhere). */
  readonly drainedAt: readonly Position[]
}

export interface Duplicate {
  readonly value: string
  readonly positions: readonly Position[]
}

export interface TwoAtOffset extends Position {
  readonly values: readonly string[]
}

export interface Backwards {
  readonly consumer: string
  readonly partition: number
  readonly previousOffset: number
  readonly offset: number
}

export interface BeyondHw extends Position {
  readonly consumer: string
  readonly value: string
  /** What the drain holds there (undefined: nothing, the offset is past its end). */
  readonly drained: string | undefined
}

export interface FailedPresent {
  readonly value: string
  readonly positions: readonly Position[]
}

/** A few instances of each anomaly, to show what went wrong. */
export interface AnomalyExamples {
  readonly lost: readonly LostWrite[]
  readonly duplicates: readonly Duplicate[]
  readonly twoAtOffset: readonly TwoAtOffset[]
  readonly backwards: readonly Backwards[]
  readonly beyondHw: readonly BeyondHw[]
  readonly failedPresent: readonly FailedPresent[]
}

/** Sizes of the history, for the report. */
export interface HistoryStats {
  readonly operations: number
  readonly acked: number
  readonly failed: number
  readonly unknown: number
  /** Values of unknown outcome the drain holds (the rest were most likely never written). */
  readonly unknownDrained: number
  readonly consumerReads: number
  readonly drained: number
}

export interface CheckResult {
  readonly counts: AnomalyCounts
  readonly examples: AnomalyExamples
  readonly stats: HistoryStats
}

/** How many examples of each anomaly a result keeps by default. */
export const DEFAULT_EXAMPLES = 5

const key = (partition: number, offset: number) => `${partition}:${offset}`

/** Checks a history for every anomaly above; keeps `examples` instances of each. */
export function checkHistory(history: History, examples = DEFAULT_EXAMPLES): CheckResult {
  const drained = drainIndex(history.drain)
  const reads = history.consumers.flatMap((consumer) => consumer.reads)
  const lost = lostWrites(history, drained)
  const duplicates = duplicateValues([...reads, ...drained.records])
  const twoAtOffset = conflicts(history, reads, drained.records)
  const backwards = backwardsReads(history)
  const beyondHw = readsBeyondHw(history, drained)
  const failedPresent = failedButPresent(history, [...reads, ...drained.records])
  const outcomes = { acked: 0, failed: 0, unknown: 0, unknownDrained: 0 }
  for (const operation of history.operations) {
    outcomes[operation.outcome.kind]++
    if (operation.outcome.kind === 'unknown' && drained.byValue.has(operation.value)) {
      outcomes.unknownDrained++
    }
  }
  return {
    counts: {
      lost: lost.length,
      duplicates: duplicates.length,
      twoAtOffset: twoAtOffset.length,
      backwards: backwards.length,
      beyondHw: beyondHw.length,
      failedPresent: failedPresent.length,
    },
    examples: {
      lost: lost.slice(0, examples),
      duplicates: duplicates.slice(0, examples),
      twoAtOffset: twoAtOffset.slice(0, examples),
      backwards: backwards.slice(0, examples),
      beyondHw: beyondHw.slice(0, examples),
      failedPresent: failedPresent.slice(0, examples),
    },
    stats: {
      operations: history.operations.length,
      ...outcomes,
      consumerReads: reads.length,
      drained: drained.records.length,
    },
  }
}

/** The drain looked up by position and by value. */
interface DrainIndex {
  readonly records: readonly Observed[]
  readonly at: ReadonlyMap<string, string>
  readonly byValue: ReadonlyMap<string, Position[]>
}

function drainIndex(drain: readonly DrainedPartition[]): DrainIndex {
  const records = drain.flatMap((partition) => partition.records)
  const at = new Map<string, string>()
  const byValue = new Map<string, Position[]>()
  for (const record of records) {
    at.set(key(record.partition, record.offset), record.value)
    const positions = byValue.get(record.value) ?? []
    positions.push({ partition: record.partition, offset: record.offset })
    byValue.set(record.value, positions)
  }
  return { records, at, byValue }
}

function lostWrites(history: History, drained: DrainIndex): LostWrite[] {
  const lost: LostWrite[] = []
  for (const { value, outcome } of history.operations) {
    if (outcome.kind !== 'acked') continue
    if (drained.at.get(key(outcome.partition, outcome.offset)) === value) continue
    lost.push({
      value,
      partition: outcome.partition,
      offset: outcome.offset,
      drainedAt: drained.byValue.get(value) ?? [],
    })
  }
  return lost
}

/** Distinct positions per value, in first-seen order. */
function positionsByValue(observed: readonly Observed[]): Map<string, Position[]> {
  const byValue = new Map<string, Map<string, Position>>()
  for (const { value, partition, offset } of observed) {
    let positions = byValue.get(value)
    if (positions === undefined) {
      positions = new Map()
      byValue.set(value, positions)
    }
    positions.set(key(partition, offset), { partition, offset })
  }
  return new Map([...byValue].map(([value, positions]) => [value, [...positions.values()]]))
}

function duplicateValues(observed: readonly Observed[]): Duplicate[] {
  const duplicates: Duplicate[] = []
  for (const [value, positions] of positionsByValue(observed)) {
    if (positions.length > 1) duplicates.push({ value, positions })
  }
  return duplicates
}

function conflicts(
  history: History,
  reads: readonly Observed[],
  drained: readonly Observed[],
): TwoAtOffset[] {
  const acks: Observed[] = []
  for (const { value, outcome } of history.operations) {
    if (outcome.kind === 'acked') {
      acks.push({ partition: outcome.partition, offset: outcome.offset, value })
    }
  }
  const valuesAt = new Map<string, { position: Position; values: Set<string> }>()
  for (const { partition, offset, value } of [...acks, ...reads, ...drained]) {
    const at = key(partition, offset)
    let entry = valuesAt.get(at)
    if (entry === undefined) {
      entry = { position: { partition, offset }, values: new Set() }
      valuesAt.set(at, entry)
    }
    entry.values.add(value)
  }
  const found: TwoAtOffset[] = []
  for (const { position, values } of valuesAt.values()) {
    if (values.size > 1) found.push({ ...position, values: [...values] })
  }
  return found
}

function backwardsReads(history: History): Backwards[] {
  const found: Backwards[] = []
  for (const { consumer, reads } of history.consumers) {
    const last = new Map<number, number>()
    for (const { partition, offset } of reads) {
      const previousOffset = last.get(partition)
      if (previousOffset !== undefined && offset <= previousOffset) {
        found.push({ consumer, partition, previousOffset, offset })
      }
      last.set(partition, offset)
    }
  }
  return found
}

function readsBeyondHw(history: History, drained: DrainIndex): BeyondHw[] {
  const found: BeyondHw[] = []
  for (const { consumer, reads } of history.consumers) {
    for (const { partition, offset, value } of reads) {
      const held = drained.at.get(key(partition, offset))
      if (held !== value) found.push({ consumer, partition, offset, value, drained: held })
    }
  }
  return found
}

function failedButPresent(history: History, observed: readonly Observed[]): FailedPresent[] {
  const byValue = positionsByValue(observed)
  const found: FailedPresent[] = []
  for (const { value, outcome } of history.operations) {
    if (outcome.kind !== 'failed') continue
    const positions = byValue.get(value)
    if (positions !== undefined) found.push({ value, positions })
  }
  return found
}

/** Adds anomaly counts (several rounds, several topics). */
export function addCounts(a: AnomalyCounts, b: AnomalyCounts): AnomalyCounts {
  return Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, a[kind] + b[kind]])) as Record<
    AnomalyKind,
    number
  >
}

/** Counts of zero, to add to. */
export const NO_ANOMALIES: AnomalyCounts = Object.fromEntries(
  ANOMALY_KINDS.map((kind) => [kind, 0]),
) as Record<AnomalyKind, number>
