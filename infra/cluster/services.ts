/**
 * The command line of each process in the cluster: nats-server with its config file, and each
 * service run from its build output (`node services/<name>/dist/main.js`) with the flags that
 * put it in this cluster (`--nats`, `--cluster-id`) and give it its own ports and data dir.
 * Pure functions of the state, so a restart runs a process exactly as it first ran.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClusterState, ProcessRecord } from './state.ts'
import { logFile } from './state.ts'

/** The repository root (this file is `infra/cluster/services.ts`). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')

/** The services the cluster runs, each from `services/<name>/dist/main.js`. */
export const SERVICES = ['controller', 'broker', 'gateway'] as const
export type Service = (typeof SERVICES)[number]

/** A service's built entry file. */
export const serviceMain = (service: Service): string =>
  join(REPO_ROOT, 'services', service, 'dist', 'main.js')

/** Every interface binds to the loopback: this is a cluster for one machine. */
const HOST = '127.0.0.1'

/** The flags every service takes to join the cluster. */
const clusterFlags = (state: ClusterState) => [
  '--nats',
  state.natsUrl,
  '--cluster-id',
  state.clusterId,
]

/** nats-server, run with the config file `configFile` and listening on `port`. */
export function natsRecord(binary: string, configFile: string, port: number): ProcessRecord {
  return {
    name: 'nats',
    role: 'nats',
    id: 0,
    command: binary,
    args: ['-c', configFile],
    ports: { client: port },
    pid: null,
  }
}

/** Controller `id`: node id `controller-<id>`, its HTTP API on `port`. */
export function controllerRecord(state: ClusterState, id: number, port: number): ProcessRecord {
  const name = `controller-${id}`
  const timeout = state.sessionTimeoutMs
  return {
    name,
    role: 'controller',
    id,
    command: process.execPath,
    args: [
      serviceMain('controller'),
      ...clusterFlags(state),
      '--node-id',
      name,
      '--host',
      HOST,
      '--port',
      String(port),
      '--data-dir',
      join(state.dir, name),
      ...(timeout === undefined ? [] : ['--session-timeout-ms', String(timeout)]),
      ...replicationFlags(state),
    ],
    ports: { http: port },
    pid: null,
  }
}

/**
 * The cluster-wide replication defaults every controller writes as cluster config
 * (`default.replication.factor`, `min.insync.replicas`) and applies to topics created without
 * their own, `__consumer_offsets` among them.
 */
function replicationFlags(state: ClusterState): string[] {
  const { replicationFactor, minInsyncReplicas } = state
  return [
    ...(replicationFactor === undefined
      ? []
      : ['--default-replication-factor', String(replicationFactor)]),
    ...(minInsyncReplicas === undefined
      ? []
      : ['--min-insync-replicas', String(minInsyncReplicas)]),
  ]
}

/** Broker `id`: its data plane on `port`, `/health` on `httpPort`, in `rack` if given. */
export function brokerRecord(
  state: ClusterState,
  id: number,
  port: number,
  httpPort: number,
  rack: string | undefined,
): ProcessRecord {
  const name = `broker-${id}`
  return {
    name,
    role: 'broker',
    id,
    command: process.execPath,
    args: [
      serviceMain('broker'),
      ...clusterFlags(state),
      '--broker-id',
      String(id),
      '--host',
      HOST,
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--data-dir',
      join(state.dir, name),
      ...(rack === undefined ? [] : ['--rack', rack]),
    ],
    ports: { data: port, http: httpPort },
    ...(rack === undefined ? {} : { rack }),
    pid: null,
  }
}

/** Gateway `id`: the REST API on `port`. */
export function gatewayRecord(state: ClusterState, id: number, port: number): ProcessRecord {
  const name = `gateway-${id}`
  return {
    name,
    role: 'gateway',
    id,
    command: process.execPath,
    args: [
      serviceMain('gateway'),
      ...clusterFlags(state),
      '--host',
      HOST,
      '--port',
      String(port),
      '--data-dir',
      join(state.dir, name),
    ],
    ports: { http: port },
    pid: null,
  }
}

/** The base URL of a process's HTTP side (`http` port). */
export const httpBase = (record: ProcessRecord): string =>
  `http://${HOST}:${record.ports.http ?? 0}`

/** The log file of `record` in the cluster `state`. */
export const logOf = (state: ClusterState, record: ProcessRecord): string =>
  logFile(state.dir, record.name)

/**
 * Builds the services and what they depend on with turbo (cached, so quick when nothing
 * changed), as the root `start` script does. Throws when the build fails or leaves no entry file.
 */
export function buildServices(): void {
  const turbo = join(REPO_ROOT, 'node_modules', '.bin', 'turbo')
  const filters = SERVICES.map((service) => `--filter=@tributary/${service}...`)
  const result = spawnSync(turbo, ['run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    // Its output goes to stderr, so the command's own output stays the status and the URL.
    stdio: ['ignore', 2, 2],
  })
  if (result.error !== undefined) throw new Error(`cannot run turbo: ${result.error.message}`)
  if (result.status !== 0) throw new Error('the build failed (see above)')
  checkBuilt()
}

/** Throws, saying how to build, when a service has no built entry file. */
export function checkBuilt(): void {
  const missing = SERVICES.filter((service) => !existsSync(serviceMain(service)))
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.map(serviceMain).join(', ')} (run npm run build)`)
  }
}
