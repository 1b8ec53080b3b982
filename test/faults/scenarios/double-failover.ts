import type { Cluster } from '../../harness/cluster.ts'
import { checkReplicaContents } from './replica-check.ts'
import { runRound, type ScenarioOptions, type ScenarioResult } from './round.ts'

/**
 * Scenario 5: a double failover. SIGKILL leader A of the round's target partition; as soon as
 * another replica B leads, SIGKILL B too (the last replica alone is below min ISR, or the partition
 * goes offline); restart A, then B. Nothing committed is lost (the checker) and the replicas do not
 * diverge (their contents compared on disk).
 */
export function doubleFailover(
  cluster: Cluster,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return runRound(cluster, 'double-failover', options, {
    async fault(context) {
      const { faults, topic } = context
      const first = await faults.waitForPartition(
        topic,
        context.target,
        (view) => view.leader >= 0,
        'a leader',
      )
      const a = first.leader
      await faults.killBroker(a)
      const second = await faults.waitForLeaderOtherThan(topic, context.target, a)
      const b = second.leader
      await faults.killBroker(b)
      context.log(`killed leader ${a}, then the next leader ${b}`)
      const third = await faults.waitForPartition(
        topic,
        context.target,
        (view) => view.leader !== a && view.leader !== b,
        `a leader other than ${a} and ${b}, or none`,
      )
      context.log(`then: leader ${third.leader}, ISR ${third.isr}`)
      await faults.restartBroker(a)
      await faults.restartBroker(b)
    },
    afterDrain: checkReplicaContents,
  })
}
