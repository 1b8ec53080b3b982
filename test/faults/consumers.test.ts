// Scenario 7 of issue 6's fault suite, short form: one round of the consumer-group faults (a
// member killed mid-batch, a member stalled past its session, the coordinating broker SIGKILLed
// and restarted, which every consumer instance must survive) on the suite's cluster (3 controllers, 3 brokers, a gateway; replication factor
// 3, min ISR 2). The long form (main.ts) runs `runConsumersRound` on its shared cluster.
import { describe, expect, it } from 'vitest'
import { runConsumersScenario } from './consumers.ts'

/** A bound on the whole run on a loaded 2-core machine (its waits are bounded one by one). */
const SCENARIO_BOUND_MS = 300_000

describe('scenario 7: consumers under faults', () => {
  it(
    'process every acknowledged record, never move a committed offset back, and never give a partition two owners',
    async () => {
      const result = await runConsumersScenario({ rounds: 1 })
      const [round] = result.rounds
      if (round === undefined) throw new Error('no round ran')
      const examples = JSON.stringify(round.check.anomalies.slice(0, 10))
      // The faults happened and the cluster did what they need (the coordinator moved, and
      // no instance was lost with it …).
      expect(result.faults).toBe(3)
      expect(result.violations).toEqual([])
      expect(round.coordinatorAfter).not.toBe(round.coordinatorKilled)
      expect(round.instancesLost).toBe(0)
      // The checker had something to check, and found nothing.
      expect(round.check.acknowledged).toBeGreaterThan(0)
      expect(round.check.offsetObservations).toBeGreaterThan(0)
      expect(round.check.tenures).toBeGreaterThan(0)
      expect(result.anomalies, examples).toEqual({
        lost: 0,
        'wrong-value': 0,
        'commit-skipped': 0,
        'committed-backwards': 0,
        'two-owners': 0,
      })
      expect(round.check.processed).toBe(round.check.acknowledged)
    },
    SCENARIO_BOUND_MS,
  )
})
