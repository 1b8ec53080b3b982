/**
 * The long form's table: one row per scenario over its rounds, for scenarios 1–6 (produce and
 * read a replicated topic: scenarios/) and 7 (consumer groups: consumers*.ts) alike. The two
 * checkers look for different anomalies; what both have is `lost` (an acknowledged record the
 * drain does not hold, or that no member processed), and only 1–6 count `duplicates`. The other
 * kinds share one column that names what was found, so the table stays within 100 columns.
 */
import type { AnomalyCounts, AnomalyKind, CheckResult } from '../checker/index.ts'
import type { ConsumersAnomaly, ConsumersAnomalyKind } from '../consumers-checker.ts'

/** A round of scenarios 1–6 as the report reads it (scenarios/round.ts `ScenarioResult`). */
export interface ProduceRound {
  readonly scenario: string
  readonly operations: number
  readonly faults: number
  readonly anomalies: AnomalyCounts
  readonly checks: readonly CheckResult[]
  readonly violations: readonly string[]
}

/** A round of scenario 7 as the report reads it (consumers.ts `ConsumersRoundResult`). */
export interface ConsumersRound {
  readonly scenario: string
  readonly operations: number
  readonly faults: number
  readonly anomalies: Readonly<Record<ConsumersAnomalyKind, number>>
  readonly check: { readonly anomalies: readonly ConsumersAnomaly[] }
  readonly violations: readonly string[]
}

/** A round that threw (a broken harness, or a cluster that never healed). */
export interface RoundError {
  readonly scenario: string
  readonly error: string
}

/** What one round of any scenario ended with. */
export type RoundOutcome = ProduceRound | ConsumersRound | RoundError

/** Every anomaly kind either checker reports. */
export type ReportedKind = AnomalyKind | ConsumersAnomalyKind

/** The kinds' names in the table, in the order it lists them. */
const KIND_NAMES: Readonly<Record<ReportedKind, string>> = {
  lost: 'lost',
  duplicates: 'duplicates',
  twoAtOffset: 'two-at-offset',
  backwards: 'backwards',
  beyondHw: 'beyond-HW',
  failedPresent: 'failed-present',
  'wrong-value': 'wrong-value',
  'commit-skipped': 'commit-skipped',
  'committed-backwards': 'committed-backwards',
  'two-owners': 'two-owners',
}

/** One scenario over all its rounds. */
export interface ScenarioRow {
  readonly scenario: string
  readonly rounds: number
  readonly operations: number
  readonly faults: number
  /** Anomalies by kind: only the kinds the scenario's checker looks for (none if every round threw). */
  readonly anomalies: Readonly<Partial<Record<ReportedKind, number>>>
  readonly violations: number
  /** Rounds that threw. */
  readonly errors: number
}

/** Sums the rounds of each scenario, keeping the order scenarios first appear in. */
export function summarize(outcomes: readonly RoundOutcome[]): ScenarioRow[] {
  const rows = new Map<string, ScenarioRow>()
  for (const outcome of outcomes) {
    const row = rows.get(outcome.scenario) ?? {
      scenario: outcome.scenario,
      rounds: 0,
      operations: 0,
      faults: 0,
      anomalies: {},
      violations: 0,
      errors: 0,
    }
    rows.set(
      outcome.scenario,
      'error' in outcome
        ? { ...row, rounds: row.rounds + 1, errors: row.errors + 1 }
        : {
            ...row,
            rounds: row.rounds + 1,
            operations: row.operations + outcome.operations,
            faults: row.faults + outcome.faults,
            anomalies: addKinds(row.anomalies, outcome.anomalies),
            violations: row.violations + outcome.violations.length,
          },
    )
  }
  return [...rows.values()]
}

function addKinds(
  sum: ScenarioRow['anomalies'],
  counts: ScenarioRow['anomalies'],
): ScenarioRow['anomalies'] {
  const total: Partial<Record<ReportedKind, number>> = { ...sum }
  for (const kind of Object.keys(counts) as ReportedKind[]) {
    total[kind] = (total[kind] ?? 0) + (counts[kind] ?? 0)
  }
  return total
}

/**
 * Whether a row shows no failure: no violation, no round that threw, and no anomaly but
 * duplicates (the gateway retries a batch whose connection failed: produce is at-least-once).
 */
export function isClean(row: ScenarioRow): boolean {
  const { duplicates: _allowed, ...others } = row.anomalies
  return row.violations === 0 && row.errors === 0 && Object.values(others).every((n) => n === 0)
}

/** Whether one round shows no failure (as {@link isClean}). */
export function isCleanRound(outcome: RoundOutcome): boolean {
  return summarize([outcome]).every(isClean)
}

const COLUMNS = [
  'scenario',
  'rounds',
  'ops',
  'faults',
  'lost',
  'dups',
  'anomalies',
  'violations',
  'errors',
] as const
/** Columns holding words, aligned left; the others hold counts, aligned right. */
const TEXT_COLUMNS = new Set<number>([0, COLUMNS.indexOf('anomalies')])
/** A cell for a kind the scenario does not check. */
const NOT_CHECKED = '–'

/** What the columns mean, to print under the table. */
export const TABLE_LEGEND = [
  'ops         produce operations, one per value (1–6); requests and records processed (consumers)',
  'lost        acknowledged records the drain does not hold (1–6) or no member processed (consumers)',
  "dups        values found at two offsets: allowed, the gateway's retries make produce at-least-once",
  'anomalies   any other kind found: two-at-offset, backwards, beyond-HW, failed-present (1–6);',
  '            wrong-value, commit-skipped, committed-backwards, two-owners (consumers)',
  'violations  what a scenario needs of the cluster that did not happen (a leader elected, …)',
  'errors      rounds that threw',
  `${NOT_CHECKED}           not checked`,
].join('\n')

/** The rows as an aligned text table (Markdown pipes, so it pastes into a note). */
export function formatTable(rows: readonly ScenarioRow[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    String(row.rounds),
    String(row.operations),
    String(row.faults),
    row.anomalies.lost?.toString() ?? NOT_CHECKED,
    row.anomalies.duplicates?.toString() ?? NOT_CHECKED,
    otherAnomalies(row),
    String(row.violations),
    String(row.errors),
  ])
  const table: string[][] = [[...COLUMNS], ...cells]
  const widths = COLUMNS.map((_, index) =>
    Math.max(...table.map((line) => (line[index] ?? '').length)),
  )
  const render = (line: readonly string[]) =>
    `| ${line
      .map((cell, index) => {
        const width = widths[index] ?? 0
        return TEXT_COLUMNS.has(index) ? cell.padEnd(width) : cell.padStart(width)
      })
      .join(' | ')} |`
  // Each cell is padded with a space either side; a right-aligned column's rule ends in ':'.
  const rule = `|${widths
    .map((width, index) =>
      TEXT_COLUMNS.has(index) ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`,
    )
    .join('|')}|`
  const [header = [], ...body] = table
  return [render(header), rule, ...body.map(render)].join('\n')
}

/** The kinds other than lost and duplicates that were found, with counts ("none" if none). */
function otherAnomalies(row: ScenarioRow): string {
  const found: string[] = []
  let checked = false
  for (const kind of Object.keys(KIND_NAMES) as ReportedKind[]) {
    const count = row.anomalies[kind]
    if (kind === 'lost' || kind === 'duplicates' || count === undefined) continue
    checked = true
    if (count > 0) found.push(`${KIND_NAMES[kind]} ${count}`)
  }
  if (!checked) return NOT_CHECKED
  return found.length === 0 ? 'none' : found.join(', ')
}
