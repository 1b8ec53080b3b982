// The long form's table: rounds summed per scenario, in first-seen order; a row is clean only
// without violations, errors and anomalies other than duplicates.
import { describe, expect, it } from 'vitest'
import { NO_ANOMALIES } from '../checker/index.ts'
import type { ScenarioResult } from '../scenarios/round.ts'
import { formatTable, isClean, summarize } from './index.ts'

const round = (
  scenario: string,
  operations: number,
  anomalies: Partial<ScenarioResult['anomalies']> = {},
  violations: string[] = [],
): ScenarioResult => ({
  scenario,
  operations,
  faults: 1,
  anomalies: { ...NO_ANOMALIES, ...anomalies },
  checks: [],
  violations,
})

describe('fault report', () => {
  const rows = summarize([
    round('leader-kill', 100, { duplicates: 2 }),
    round('follower-kill', 50, {}, ['broker 2 never rejoined']),
    round('leader-kill', 120, { lost: 1 }),
    { scenario: 'follower-kill', error: 'boom' },
  ])

  it('sums the rounds of each scenario', () => {
    expect(rows).toEqual([
      {
        scenario: 'leader-kill',
        rounds: 2,
        operations: 220,
        faults: 2,
        anomalies: { ...NO_ANOMALIES, duplicates: 2, lost: 1 },
        violations: 0,
        errors: 0,
      },
      {
        scenario: 'follower-kill',
        rounds: 2,
        operations: 50,
        faults: 1,
        anomalies: NO_ANOMALIES,
        violations: 1,
        errors: 1,
      },
    ])
  })

  it('prints one aligned line per scenario under the header', () => {
    const lines = formatTable(rows).split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(
      /^\| scenario +\| rounds \| operations \| faults \| lost \| duplicates \| two-at-offset \| backwards \| beyond-HW \| failed-present \| violations \| errors \|$/,
    )
    expect(lines[1]).toMatch(/^\|-+\|-+:\|/)
    expect(lines[2]).toMatch(/^\| leader-kill +\| +2 \| +220 \| +2 \| +1 \| +2 \| +0 \|/)
    expect(new Set(lines.map((line) => line.length)).size).toBe(1)
  })

  it('takes duplicates alone as clean, and anything else as not', () => {
    expect(
      isClean({ ...(rows[0] as (typeof rows)[0]), anomalies: { ...NO_ANOMALIES, duplicates: 3 } }),
    ).toBe(true)
    expect(rows.map(isClean)).toEqual([false, false])
  })
})
