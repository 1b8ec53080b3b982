/**
 * `down`: stops every process, gateways first, then brokers, then controllers, nats last, so
 * no service loses NATS while it shuts down. Each gets SIGTERM and, after `--timeout-ms`,
 * SIGKILL. Data and logs stay in the directory; `up` on it starts the cluster again.
 */
import type { Command } from '../args.ts'
import { type StopOutcome, stopProcess } from '../processes.ts'
import { type ClusterState, processesOf, type Role, readState, writeState } from '../state.ts'
import type { Io } from './io.ts'

/** The order processes stop in. */
const STOP_ORDER: readonly Role[] = ['gateway', 'broker', 'controller', 'nats']

/** Runs `down`. */
export async function down(command: Extract<Command, { kind: 'down' }>, io: Io): Promise<void> {
  const state = readState(command.dir)
  const survivors = await stopAll(state, command.timeoutMs, io)
  if (survivors.length > 0) throw new Error(`still running after SIGKILL: ${survivors.join(', ')}`)
  io.out(`cluster '${state.clusterId}' is down; data and logs stay in ${state.dir}`)
}

/** Stops every process of `state` in {@link STOP_ORDER}, saving the state after each tier; returns the names still running. */
export async function stopAll(state: ClusterState, graceMs: number, io: Io): Promise<string[]> {
  const survivors: string[] = []
  for (const role of STOP_ORDER) {
    const records = processesOf(state, role)
    const outcomes = await Promise.all(
      records.map((record) => stopProcess(record, 'SIGTERM', graceMs)),
    )
    writeState(state)
    records.forEach((record, i) => {
      const outcome = outcomes[i] as StopOutcome
      if (outcome === 'survived') survivors.push(record.name)
      if (outcome !== 'not-running') io.err(`${record.name}: ${describe(outcome)}`)
    })
  }
  return survivors
}

function describe(outcome: StopOutcome): string {
  switch (outcome) {
    case 'stopped':
      return 'stopped'
    case 'killed':
      return 'killed (it did not stop on SIGTERM in time)'
    case 'survived':
      return 'still running after SIGKILL'
    default:
      return 'was not running'
  }
}
