// Issue 6's fault suite, short form: scenarios 1–6 one round each, in turn, on one cluster of
// real processes (3 controllers, 3 brokers, 1 gateway on a real nats-server), topics with
// replication factor 3 and min ISR 2, produce with acks=all. Every scenario must end with no
// acknowledged write lost, no other anomaly (duplicates aside: the gateway's retries make produce
// at-least-once) and nothing the scenario requires left undone. `npm run test:faults` runs the
// long form (faults/main.ts). Bounds are generous upper limits, never timing claims.
import { beforeEach, describe, expect, it } from 'vitest'
import { clusterPerFile } from '../harness/cluster.ts'
import { faultClusterOptions } from './cluster-options.ts'
import { GatewayClient } from './gateway/index.ts'
import { FAULT_BOUND_MS, FaultInjector } from './injector/index.ts'
import { SCENARIOS } from './scenarios/index.ts'

/** A round's upper bound: its waits are bounded one by one, this only stops a hung round. */
const ROUND_BOUND_MS = 240_000

const cluster = clusterPerFile(faultClusterOptions())

describe('fault suite, short form', () => {
  // Every process running before each scenario, so one that failed half-way spoils no other.
  beforeEach(async () => {
    const gateway = new GatewayClient(cluster().gateways[0] as string)
    await new FaultInjector(cluster(), gateway).heal()
  }, 2 * FAULT_BOUND_MS)

  for (const { name, run } of SCENARIOS) {
    it(
      name,
      async () => {
        const result = await run(cluster(), { acks: 20 })
        const examples = JSON.stringify(result.checks.map((check) => check.examples))
        expect(result.faults).toBeGreaterThan(0)
        expect(result.anomalies.lost, examples).toBe(0)
        expect({ ...result.anomalies, duplicates: 0 }, examples).toEqual({
          lost: 0,
          duplicates: 0,
          twoAtOffset: 0,
          backwards: 0,
          beyondHw: 0,
          failedPresent: 0,
        })
        expect(result.violations).toEqual([])
      },
      ROUND_BOUND_MS,
    )
  }
})
