import type { Cluster } from '../../harness/cluster.ts'
import { waitUntil } from '../../harness/cluster.ts'
import { now, type ProduceOperation } from '../history/index.ts'
import { FAULT_BOUND_MS } from '../injector/index.ts'
import { runRound, type ScenarioOptions, type ScenarioResult } from './round.ts'

/** Refused writes to see before the outage ends, so "never acknowledged" is not vacuous. */
const REFUSALS_TO_SEE = 3

/**
 * Scenario 3: SIGKILL two of the three replicas of the round's target partition (which one
 * survives, the leader or a follower, rotates with the round). With one replica left, below min
 * ISR 2, produce is refused: no write sent after the kills and answered before they return may be
 * acknowledged. Once they return, nothing acknowledged earlier is lost (the checker).
 */
export function twoReplicasKill(
  cluster: Cluster,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return runRound(cluster, 'two-replicas-kill', options, {
    async fault(context) {
      const { faults, topic, workload } = context
      const view = await faults.waitForPartition(
        topic,
        context.target,
        (each) => each.leader >= 0,
        'a leader',
      )
      // Rounds rotate which replica survives: the leader in some, a follower in others.
      const survivor = view.replicas[context.round % view.replicas.length]
      const victims = view.replicas.filter((broker) => broker !== survivor)
      await Promise.all(victims.map((broker) => faults.killBroker(broker)))
      const killedAt = now()
      context.log(`killed brokers ${victims}, leaving one replica`)
      const refused = (operation: ProduceOperation) =>
        operation.startedAt >= killedAt && operation.outcome.kind !== 'acked'
      try {
        await waitUntil(
          () => workload.operations.filter(refused).length >= REFUSALS_TO_SEE,
          `${REFUSALS_TO_SEE} writes refused while one replica lives`,
          FAULT_BOUND_MS,
        )
      } catch (error) {
        context.violation((error as Error).message)
      }
      const returnAt = now()
      const acknowledged = workload.operations.filter(
        (operation) =>
          operation.startedAt >= killedAt &&
          operation.endedAt <= returnAt &&
          operation.outcome.kind === 'acked',
      )
      for (const operation of acknowledged.slice(0, 5)) {
        context.violation(
          `acknowledged with one replica alive: ${operation.value} at ${JSON.stringify(operation.outcome)}`,
        )
      }
      if (acknowledged.length > 5) {
        context.violation(`… ${acknowledged.length} writes acknowledged with one replica alive`)
      }
      await Promise.all(victims.map((broker) => faults.restartBroker(broker)))
    },
  })
}
