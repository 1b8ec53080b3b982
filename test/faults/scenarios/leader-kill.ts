import type { Cluster } from '../../harness/cluster.ts'
import { now } from '../history/index.ts'
import { expectProgress, runRound, type ScenarioOptions, type ScenarioResult } from './round.ts'

/**
 * Scenario 1: SIGKILL the leader of the round's target partition while producing; another
 * in-sync replica takes over (writes go on: two replicas still meet min ISR 2); restart it later
 * and it rejoins the ISR.
 */
export function leaderKill(
  cluster: Cluster,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return runRound(cluster, 'leader-kill', options, {
    async fault(context) {
      const { faults, topic } = context
      const { leader } = await faults.waitForPartition(
        topic,
        context.target,
        (view) => view.leader >= 0,
        'a leader',
      )
      await faults.killBroker(leader)
      const next = await faults.waitForLeaderOtherThan(topic, context.target, leader)
      context.log(`leader ${leader} killed; ${next.leader} leads with ISR ${next.isr}`)
      await expectProgress(context, now(), `while broker ${leader} was down`)
      await faults.restartBroker(leader)
      await faults.waitForPartition(
        topic,
        context.target,
        (view) => view.isr.includes(leader),
        `broker ${leader} back in the ISR`,
      )
    },
  })
}
