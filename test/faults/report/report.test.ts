// The long form's table and details: rounds of scenarios 1–6 and 7 summed per scenario in
// first-seen order, in one table that fits 100 columns; a row is clean only without violations,
// errors and anomalies other than duplicates; details name what a round found and which service
// process failed.
import { describe, expect, it } from 'vitest'
import { NO_ANOMALIES } from '../checker/index.ts'
import type { ConsumersAnomaly } from '../consumers-checker.ts'
import {
  type ConsumersRound,
  formatDetails,
  formatTable,
  isClean,
  isCleanRound,
  type ProduceRound,
  type ServiceFailure,
  summarize,
  TABLE_LEGEND,
} from './index.ts'

const produceRound = (
  scenario: string,
  operations: number,
  anomalies: Partial<ProduceRound['anomalies']> = {},
  violations: string[] = [],
): ProduceRound => ({
  scenario,
  operations,
  faults: 1,
  anomalies: { ...NO_ANOMALIES, ...anomalies },
  checks: [],
  violations,
})

const NO_CONSUMER_ANOMALIES: ConsumersRound['anomalies'] = {
  lost: 0,
  'wrong-value': 0,
  'commit-skipped': 0,
  'committed-backwards': 0,
  'two-owners': 0,
}

const consumersRound = (found: readonly ConsumersAnomaly[] = []): ConsumersRound => {
  const anomalies = { ...NO_CONSUMER_ANOMALIES }
  for (const anomaly of found) anomalies[anomaly.kind]++
  return {
    scenario: 'consumers',
    operations: 900,
    faults: 3,
    anomalies,
    check: { anomalies: found },
    violations: [],
  }
}

const twoOwners: ConsumersAnomaly = {
  kind: 'two-owners',
  partition: 2,
  message: 'partition 2 owned by r0-m1 over [10 ms, 20 ms] and by r0-m2 over [15 ms, 30 ms]',
}

describe('fault report', () => {
  const rows = summarize([
    produceRound('leader-kill', 100, { duplicates: 2 }),
    produceRound('follower-kill', 50, {}, ['broker 2 never rejoined']),
    consumersRound(),
    produceRound('leader-kill', 120, { lost: 1, twoAtOffset: 3 }),
    { scenario: 'follower-kill', error: 'boom' },
    consumersRound([twoOwners]),
    { scenario: 'controller-kill', error: 'the cluster never healed' },
  ])

  it('sums the rounds of each scenario, with the kinds its checker looks for', () => {
    expect(rows).toEqual([
      {
        scenario: 'leader-kill',
        rounds: 2,
        operations: 220,
        faults: 2,
        anomalies: { ...NO_ANOMALIES, duplicates: 2, lost: 1, twoAtOffset: 3 },
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
      {
        scenario: 'consumers',
        rounds: 2,
        operations: 1800,
        faults: 6,
        anomalies: { ...NO_CONSUMER_ANOMALIES, 'two-owners': 1 },
        violations: 0,
        errors: 0,
      },
      {
        scenario: 'controller-kill',
        rounds: 1,
        operations: 0,
        faults: 0,
        anomalies: {},
        violations: 0,
        errors: 1,
      },
    ])
  })

  it('prints one aligned line per scenario, "–" where a kind is not checked', () => {
    const lines = formatTable(rows).split('\n')
    expect(lines).toHaveLength(6)
    expect(lines[0]).toMatch(
      /^\| scenario +\| rounds \| +ops \| faults \| lost \| dups \| anomalies +\| violations \| errors \|$/,
    )
    expect(lines[1]).toMatch(/^\|-+\|-+:\|-+:\|-+:\|-+:\|-+:\|-+\|-+:\|-+:\|$/)
    expect(lines[2]).toMatch(
      /^\| leader-kill +\| +2 \| +220 \| +2 \| +1 \| +2 \| two-at-offset 3 +\| +0 \| +0 \|$/,
    )
    expect(lines[3]).toMatch(
      /^\| follower-kill +\| +2 \| +50 \| +1 \| +0 \| +0 \| none +\| +1 \| +1 \|$/,
    )
    expect(lines[4]).toMatch(/^\| consumers +\| +2 \| +1800 \| +6 \| +0 \| +– \| two-owners 1 +\|/)
    expect(lines[5]).toMatch(
      /^\| controller-kill +\| +1 \| +0 \| +0 \| +– \| +– \| – +\| +0 \| +1 \|$/,
    )
    expect(new Set(lines.map((line) => line.length)).size).toBe(1)
  })

  it('fits a clean run of all seven scenarios, and its legend, in 100 columns', () => {
    const names = [
      'leader-kill',
      'follower-kill',
      'two-replicas-kill',
      'leader-pause',
      'double-failover',
      'controller-kill',
    ]
    const clean = summarize([
      ...names.map((name) => produceRound(name, 123_456, { duplicates: 12 })),
      consumersRound(),
    ])
    for (const line of [...formatTable(clean).split('\n'), ...TABLE_LEGEND.split('\n')]) {
      expect(line.length).toBeLessThanOrEqual(100)
    }
    expect(clean.every(isClean)).toBe(true)
  })

  it('takes duplicates alone as clean, and anything else as not', () => {
    expect(rows.map(isClean)).toEqual([false, false, false, false])
    const leaderKill = rows[0] as (typeof rows)[0]
    expect(isClean({ ...leaderKill, anomalies: { ...NO_ANOMALIES, duplicates: 3 } })).toBe(true)
    expect(isCleanRound(consumersRound())).toBe(true)
    expect(isCleanRound(consumersRound([twoOwners]))).toBe(false)
  })
})

describe('fault report details', () => {
  const failure: ServiceFailure = {
    service: 'broker 2',
    what: "did not start: broker exited before logging 'broker listening'",
    stderr: [],
    log: ['2026-01-01T00:00:00.000Z fatal cannot reach the control plane err=ConnectionError: x'],
  }

  it('say nothing of a clean round in which every service kept running', () => {
    expect(formatDetails({ round: 0, outcome: consumersRound(), services: [] })).toBeUndefined()
    const duplicates = produceRound('leader-kill', 10, { duplicates: 4 })
    expect(formatDetails({ round: 0, outcome: duplicates, services: [] })).toBeUndefined()
  })

  it("name a consumer round's anomalies", () => {
    const details = formatDetails({ round: 1, outcome: consumersRound([twoOwners]), services: [] })
    expect(details?.split('\n')).toEqual([
      'consumers round 1:',
      `  anomalies: ${JSON.stringify({ ...NO_CONSUMER_ANOMALIES, 'two-owners': 1 })}`,
      `  two-owners: ${twoOwners.message}`,
    ])
  })

  it('show a failed service with its last log lines, in an otherwise clean round', () => {
    const details = formatDetails({ round: 2, outcome: consumersRound(), services: [failure] })
    expect(details?.split('\n')).toEqual([
      'consumers round 2:',
      "  broker 2 did not start: broker exited before logging 'broker listening'",
      '    last log lines:',
      `      ${failure.log[0]}`,
    ])
  })

  it("show a round's error and violations", () => {
    const error = { scenario: 'leader-pause', error: 'no leader\nlast seen {}\n' }
    expect(formatDetails({ round: 0, outcome: error, services: [] })?.split('\n')).toEqual([
      'leader-pause round 0:',
      '  error: no leader',
      '  last seen {}',
    ])
    const violated = produceRound('follower-kill', 5, {}, ['broker 2 never rejoined'])
    expect(formatDetails({ round: 0, outcome: violated, services: [] })).toContain(
      '  violation: broker 2 never rejoined',
    )
  })
})
