/**
 * `status`: every process of the cluster with its pid, whether it runs, its role (the active
 * controller, fenced brokers) and where to reach it, then every partition's leader, replicas
 * and in-sync replicas as a ready gateway reports them; `--json` prints the same as one object.
 */
import type { Command } from '../args.ts'
import { type Observation, observeAll } from '../health.ts'
import { type PartitionStatus, readPartitions, type TopicStatus } from '../partitions.ts'
import { httpBase } from '../services.ts'
import { type ClusterState, processesOf, readState } from '../state.ts'
import { renderTable } from '../table.ts'
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
  /** The cluster's default replication factor, as `up` gave it to the controllers. */
  readonly replicationFactor: number | null
  /** The cluster's `min.insync.replicas`, as `up` gave it to the controllers. */
  readonly minInsyncReplicas: number | null
  readonly processes: readonly ProcessStatus[]
  /** Every topic with its partitions; null when no gateway could say (the reason went to stderr). */
  readonly topics: readonly TopicStatus[] | null
}

/** Runs `status`. */
export async function status(command: Extract<Command, { kind: 'status' }>, io: Io): Promise<void> {
  const state = readState(command.dir)
  const observations = await observeAll(state)
  const topics = await topicsOf(observations, command.internal, io)
  if (command.json) io.out(JSON.stringify(clusterStatus(state, observations, topics), null, 2))
  else {
    for (const line of statusLines(state, observations)) io.out(line)
    if (topics !== null) for (const line of ['', ...partitionLines(topics)]) io.out(line)
  }
}

/** The partitions as the first ready gateway reports them; null, saying why on stderr, without one. */
async function topicsOf(
  observations: readonly Observation[],
  internal: boolean,
  io: Io,
): Promise<TopicStatus[] | null> {
  const gateway = observations.find(({ record, ready }) => record.role === 'gateway' && ready)
  if (gateway === undefined) {
    io.err('partitions: no gateway is ready to report them')
    return null
  }
  try {
    const topics = await readPartitions(httpBase(gateway.record), { internal })
    const unlisted = topics.some(({ partitions }) => partitions.some(({ isr }) => isr === null))
    if (unlisted)
      io.err(`partitions: ${gateway.record.name} lists no replicas, so their ISR is unknown (?)`)
    return topics
  } catch (error) {
    io.err(`partitions: ${gateway.record.name} did not report them: ${(error as Error).message}`)
    return null
  }
}

/** The status of the cluster as data. */
export function clusterStatus(
  state: ClusterState,
  observations: readonly Observation[],
  topics: readonly TopicStatus[] | null,
): ClusterStatus {
  return {
    dir: state.dir,
    clusterId: state.clusterId,
    natsUrl: state.natsUrl,
    gateways: processesOf(state, 'gateway').map(httpBase),
    replicationFactor: state.replicationFactor ?? null,
    minInsyncReplicas: state.minInsyncReplicas ?? null,
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
    topics,
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
  const { replicationFactor, minInsyncReplicas } = state
  const defaults =
    replicationFactor === undefined
      ? ''
      : `, default replication factor ${replicationFactor}, min.insync.replicas ${minInsyncReplicas ?? '-'}`
  return [
    `cluster '${state.clusterId}' in ${state.dir}${defaults}`,
    ...renderTable(['NAME', 'PID', 'STATE', 'ROLE', 'ENDPOINTS'], rows),
  ]
}

/**
 * The partitions as a table, one line per partition: its leader, replicas and in-sync replicas
 * (`?` where the gateway lists no replicas), and `offline` or `under-replicated` where that holds.
 */
export function partitionLines(topics: readonly TopicStatus[]): string[] {
  if (topics.length === 0) return ['no topics']
  const ids = (brokers: readonly number[] | null) => (brokers === null ? '?' : brokers.join(','))
  const rows = topics.flatMap((topic) =>
    topic.partitions.map((partition) => [
      topic.name,
      String(partition.partition),
      partition.leader === null ? '-' : String(partition.leader),
      ids(partition.replicas),
      ids(partition.isr),
      partitionState(partition),
    ]),
  )
  return renderTable(['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'STATE'], rows)
}

/** What calls for attention in a partition: no leader, or a replica out of sync. */
export function partitionState(partition: PartitionStatus): string {
  if (partition.leader === null) return 'offline'
  if (partition.replicas === null || partition.isr === null) return ''
  return partition.isr.length < partition.replicas.length ? 'under-replicated' : ''
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
