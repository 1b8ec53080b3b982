import type { Cluster } from '../../harness/cluster.ts'
import { now } from '../history/index.ts'
import { checkReplicaContents } from './replica-check.ts'
import { expectProgress, runRound, type ScenarioOptions, type ScenarioResult } from './round.ts'

/**
 * Scenario 4: SIGSTOP the leader of the round's target partition past its session timeout: it is
 * fenced and another replica leads. Then SIGCONT: the old leader, still believing it leads until it
 * reads the metadata, must acknowledge nothing (an acknowledgement of a write the new leader does
 * not have is a lost write for the checker), and its unreplicated tail must be truncated (the
 * replicas' contents compared on disk).
 */
export function leaderPause(
  cluster: Cluster,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return runRound(cluster, 'leader-pause', options, {
    async fault(context) {
      const { faults, topic } = context
      const { leader } = await faults.waitForPartition(
        topic,
        context.target,
        (view) => view.leader >= 0,
        'a leader',
      )
      await faults.pauseBroker(leader)
      const next = await faults.waitForLeaderOtherThan(topic, context.target, leader)
      context.log(`leader ${leader} paused; ${next.leader} leads with ISR ${next.isr}`)
      await expectProgress(context, now(), `while broker ${leader} was paused`)
      await faults.resumeBroker(leader)
      await faults.waitForPartition(
        topic,
        context.target,
        (view) => view.isr.includes(leader),
        `broker ${leader} back in the ISR`,
      )
    },
    afterDrain: checkReplicaContents,
  })
}
