/**
 * Waiting for processes to become ready. A process that exits while it is waited for fails the
 * wait at once with the end of its log, rather than after the timeout.
 */
import { type Observation, observe } from './health.ts'
import { logTail, POLL_INTERVAL_MS, sleep } from './processes.ts'
import { logOf } from './services.ts'
import type { ClusterState, ProcessRecord } from './state.ts'

/** An extra condition on the observations, with what to say while it does not hold. */
export interface Condition {
  readonly holds: (observations: readonly Observation[]) => boolean
  readonly waitingFor: string
}

/** At least one of the observed controllers is the active one. */
export const ACTIVE_CONTROLLER: Condition = {
  holds: (observations) =>
    observations.some(({ record, active }) => record.role === 'controller' && active === true),
  waitingFor: 'an active controller',
}

/**
 * Waits until every one of `records` is ready (and `condition` holds), by `deadline` (epoch
 * ms). Returns their last observations; throws naming what is not ready, or what exited.
 */
export async function waitUntilReady(
  state: ClusterState,
  records: readonly ProcessRecord[],
  deadline: number,
  condition?: Condition,
): Promise<Observation[]> {
  for (;;) {
    const observations = await Promise.all(records.map((record) => observe(state, record)))
    const exited = observations.find(({ running }) => !running)
    if (exited !== undefined) {
      const log = logOf(state, exited.record)
      throw new Error(
        `${exited.record.name} exited while starting; the end of ${log}:\n${logTail(log)}`,
      )
    }
    const waiting = observations.filter(({ ready }) => !ready)
    const conditionHolds = condition === undefined || condition.holds(observations)
    if (waiting.length === 0 && conditionHolds) return observations
    if (Date.now() >= deadline) {
      const reasons = waiting.map(({ record, detail }) => `${record.name} (${detail})`)
      if (!conditionHolds && condition !== undefined) reasons.push(condition.waitingFor)
      throw new Error(
        `not ready in time: ${reasons.join(', ')}; logs in ${state.dir}/logs (wait longer with --timeout-ms)`,
      )
    }
    await sleep(POLL_INTERVAL_MS)
  }
}
