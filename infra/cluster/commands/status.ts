/**
 * `status`: every process of the cluster with its pid, whether it runs, its role (the active
 * controller, fenced brokers) and where to reach it; `--json` prints the same as one object.
 */
import type { Command } from '../args.ts'
import { type Observation, observeAll } from '../health.ts'
import { httpBase } from '../services.ts'
import { type ClusterState, processesOf, readState } from '../state.ts'
import type { Io } from './io.ts'

/** One process in `status --json`. */
export interface ProcessStatus {
  readonly name: string
  readonly role: string
  readonly id: number
  readonly pid: number | null
  readonly running: boolean
  readonly ready: boolean
  /** Controllers only. */
  readonly active?: boolean
  /** Brokers only. */
  readonly fenced?: boolean
  readonly detail: string
  readonly ports: Readonly<Record<string, number>>
  readonly rack?: string
}

/** `status --json`'s object. */
export interface ClusterStatus {
  readonly dir: string
  readonly clusterId: string
  readonly natsUrl: string
  /** The gateways' base URLs. */
  readonly gateways: readonly string[]
  readonly processes: readonly ProcessStatus[]
}

/** Runs `status`. */
export async function status(command: Extract<Command, { kind: 'status' }>, io: Io): Promise<void> {
  const state = readState(command.dir)
  const observations = await observeAll(state)
  if (command.json) io.out(JSON.stringify(clusterStatus(state, observations), null, 2))
  else for (const line of statusLines(state, observations)) io.out(line)
}

/** The status of the cluster as data. */
export function clusterStatus(
  state: ClusterState,
  observations: readonly Observation[],
): ClusterStatus {
  return {
    dir: state.dir,
    clusterId: state.clusterId,
    natsUrl: state.natsUrl,
    gateways: processesOf(state, 'gateway').map(httpBase),
    processes: observations.map(({ record, running, ready, active, fenced, detail }) => ({
      name: record.name,
      role: record.role,
      id: record.id,
      pid: running ? record.pid : null,
      running,
      ready,
      ...(active === undefined ? {} : { active }),
      ...(fenced === undefined ? {} : { fenced }),
      detail,
      ports: record.ports,
      ...(record.rack === undefined ? {} : { rack: record.rack }),
    })),
  }
}

/** The status of the cluster as a table, one line per process. */
export function statusLines(state: ClusterState, observations: readonly Observation[]): string[] {
  const rows = observations.map(({ record, running, detail }) => [
    record.name,
    running && record.pid !== null ? String(record.pid) : '-',
    running ? 'running' : 'down',
    `${record.role}: ${detail}${record.rack === undefined ? '' : `, rack ${record.rack}`}`,
    endpoints(state, record.role, record.ports),
  ])
  const table = [['NAME', 'PID', 'STATE', 'ROLE', 'ENDPOINTS'], ...rows]
  const widths = table[0]?.map((_, column) =>
    Math.max(...table.map((row) => (row[column] ?? '').length)),
  )
  const render = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
      .join('  ')
      .trimEnd()
  return [`cluster '${state.clusterId}' in ${state.dir}`, ...table.map(render)]
}

function endpoints(state: ClusterState, role: string, ports: Readonly<Record<string, number>>) {
  switch (role) {
    case 'nats':
      return state.natsUrl
    case 'broker':
      return `data 127.0.0.1:${ports.data}, http://127.0.0.1:${ports.http}`
    default:
      return `http://127.0.0.1:${ports.http}`
  }
}
