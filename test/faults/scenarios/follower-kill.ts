import type { Cluster } from '../../harness/cluster.ts'
import { now } from '../history/index.ts'
import { checkReplicaContents } from './replica-check.ts'
import { expectProgress, runRound, type ScenarioOptions, type ScenarioResult } from './round.ts'

/**
 * Scenario 2: SIGKILL a follower of the round's target partition; it leaves the ISR and writes
 * go on; restart it later: it rejoins the ISR, and once drained its log is identical to the
 * leader's below the high watermark (the replicas' contents compared on disk).
 */
export function followerKill(
  cluster: Cluster,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return runRound(cluster, 'follower-kill', options, {
    async fault(context) {
      const { faults, topic } = context
      const view = await faults.waitForPartition(
        topic,
        context.target,
        (each) => each.leader >= 0,
        'a leader',
      )
      const follower = view.replicas.find((broker) => broker !== view.leader) as number
      await faults.killBroker(follower)
      await faults.waitForPartition(
        topic,
        context.target,
        (each) => !each.isr.includes(follower),
        `broker ${follower} out of the ISR`,
      )
      await expectProgress(context, now(), `while follower ${follower} was down`)
      await faults.restartBroker(follower)
      await faults.waitForPartition(
        topic,
        context.target,
        (each) => each.isr.includes(follower),
        `broker ${follower} back in the ISR`,
      )
    },
    afterDrain: checkReplicaContents,
  })
}
