/**
 * The long form's report: one row per scenario over its rounds (operations, faults injected,
 * anomalies by kind, violations), as a plain-text table, and the details worth reading when a
 * row is not clean.
 */
import { type AnomalyCounts, addCounts, NO_ANOMALIES } from '../checker/index.ts'
import type { ScenarioResult } from '../scenarios/round.ts'

/** One scenario over all its rounds. */
export interface ScenarioRow {
  readonly scenario: string
  readonly rounds: number
  readonly operations: number
  readonly faults: number
  readonly anomalies: AnomalyCounts
  readonly violations: number
  /** Rounds that threw (a broken harness or a cluster that never healed). */
  readonly errors: number
}

/** Sums the rounds of each scenario, keeping the order scenarios first appear in. */
export function summarize(
  results: readonly (ScenarioResult | { readonly scenario: string; readonly error: string })[],
): ScenarioRow[] {
  const rows = new Map<string, ScenarioRow>()
  for (const result of results) {
    const row = rows.get(result.scenario) ?? {
      scenario: result.scenario,
      rounds: 0,
      operations: 0,
      faults: 0,
      anomalies: NO_ANOMALIES,
      violations: 0,
      errors: 0,
    }
    rows.set(
      result.scenario,
      'error' in result
        ? { ...row, rounds: row.rounds + 1, errors: row.errors + 1 }
        : {
            ...row,
            rounds: row.rounds + 1,
            operations: row.operations + result.operations,
            faults: row.faults + result.faults,
            anomalies: addCounts(row.anomalies, result.anomalies),
            violations: row.violations + result.violations.length,
          },
    )
  }
  return [...rows.values()]
}

const COLUMNS = [
  'scenario',
  'rounds',
  'operations',
  'faults',
  'lost',
  'duplicates',
  'two-at-offset',
  'backwards',
  'beyond-HW',
  'failed-present',
  'violations',
  'errors',
] as const

/** The rows as an aligned text table (Markdown pipes, so it pastes into a note). */
export function formatTable(rows: readonly ScenarioRow[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.rounds,
    row.operations,
    row.faults,
    row.anomalies.lost,
    row.anomalies.duplicates,
    row.anomalies.twoAtOffset,
    row.anomalies.backwards,
    row.anomalies.beyondHw,
    row.anomalies.failedPresent,
    row.violations,
    row.errors,
  ])
  const table = [[...COLUMNS], ...cells].map((line) => line.map(String))
  const widths = COLUMNS.map((_, index) =>
    Math.max(...table.map((line) => (line[index] ?? '').length)),
  )
  const render = (line: readonly string[]) =>
    `| ${line.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join(' | ')} |`
  // Each cell is padded with a space either side; a right-aligned column's rule ends in ':'.
  const rule = `|${widths.map((width, index) => (index === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`
  const [header = [], ...body] = table
  return [render(header), rule, ...body.map(render)].join('\n')
}

/** Whether a row shows a failure: anything but duplicates (which at-least-once produce allows). */
export function isClean(row: ScenarioRow): boolean {
  const { duplicates: _allowed, ...rest } = row.anomalies
  return row.violations === 0 && row.errors === 0 && Object.values(rest).every((n) => n === 0)
}
