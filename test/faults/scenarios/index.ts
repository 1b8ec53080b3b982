/**
 * The fault scenarios 1–6 of issue 6, each a function (cluster, options) → result; scenario 7
 * (consumer groups) lives in test/faults/consumers*.
 */
import { controllerKill } from './controller-kill.ts'
import { doubleFailover } from './double-failover.ts'
import { followerKill } from './follower-kill.ts'
import { leaderKill } from './leader-kill.ts'
import { leaderPause } from './leader-pause.ts'
import type { Scenario } from './round.ts'
import { twoReplicasKill } from './two-replicas-kill.ts'

export { checkReplicaContents } from './replica-check.ts'
export {
  createTopic,
  expectProgress,
  FAULT_TOPIC_SPEC,
  isAlreadyExists,
  type RoundContext,
  runRound,
  type Scenario,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioSteps,
} from './round.ts'
export { controllerKill, doubleFailover, followerKill, leaderKill, leaderPause, twoReplicasKill }

/** Scenarios 1–6 by name, in the order. */
export const SCENARIOS: readonly { readonly name: string; readonly run: Scenario }[] = [
  { name: 'leader-kill', run: leaderKill },
  { name: 'follower-kill', run: followerKill },
  { name: 'two-replicas-kill', run: twoReplicasKill },
  { name: 'leader-pause', run: leaderPause },
  { name: 'double-failover', run: doubleFailover },
  { name: 'controller-kill', run: controllerKill },
]
