/**
 * `up`: builds the services (turbo, cached), starts nats-server with JetStream under DIR/nats
 * and every controller, broker and gateway as a separate background process, waits until the
 * cluster is ready (nats answers, a controller is active, every broker serves unfenced, every
 * gateway has metadata), then prints the status and the gateway URL. If the cluster does not
 * come up, everything it started is stopped again and the error says why.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { UpCommand } from '../args.ts'
import { findNatsServer, natsConfigText, natsServerVersion } from '../nats-server.ts'
import { freePorts, isRunning, portIsFree, startDetached } from '../processes.ts'
import {
  brokerRecord,
  buildServices,
  checkBuilt,
  controllerRecord,
  gatewayRecord,
  httpBase,
  logOf,
  natsRecord,
} from '../services.ts'
import { type ClusterState, hasState, logDir, readState, writeState } from '../state.ts'
import { ACTIVE_CONTROLLER, waitUntilReady } from '../wait.ts'
import { stopAll } from './down.ts'
import type { Io } from './io.ts'
import { statusLines } from './status.ts'

/** How long `up` gives what it started to stop after a failed start. */
const CLEANUP_GRACE_MS = 10_000

/** Runs `up`. */
export async function up(command: UpCommand, io: Io): Promise<void> {
  const { dir } = command
  refuseIfRunning(dir)
  const binary = findNatsServer(io.env)
  const version = natsServerVersion(binary)
  if (command.build) {
    io.err('building the services (turbo, cached)…')
    buildServices()
  } else {
    checkBuilt()
  }

  await checkGatewayPorts(command)
  const brokerCount = command.brokers
  // One call, so no two processes get the same port; --port 0 takes the gateways' from it too.
  const freeGatewayPorts = command.port === 0 ? command.gateways : 0
  const [natsPort = 0, ...ports] = await freePorts(
    1 + command.controllers + 2 * brokerCount + freeGatewayPorts,
  )
  const next = () => ports.shift() ?? 0

  const natsDir = join(dir, 'nats')
  mkdirSync(natsDir, { recursive: true })
  mkdirSync(logDir(dir), { recursive: true })
  // Keeps the cluster's data out of git (and of Biome, which reads .gitignore files) wherever it is.
  const ignore = join(dir, '.gitignore')
  if (!existsSync(ignore)) writeFileSync(ignore, '# written by npm run cluster\n*\n')
  const configFile = join(natsDir, 'nats-server.conf')
  writeFileSync(configFile, natsConfigText(natsPort, join(natsDir, 'jetstream'), version))

  const state: ClusterState = {
    version: 1,
    dir,
    clusterId: command.clusterId,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    sessionTimeoutMs: command.sessionTimeoutMs,
    replicationFactor: command.replicationFactor,
    minInsyncReplicas: command.minInsyncReplicas,
    processes: [],
  }
  const nats = natsRecord(binary, configFile, natsPort)
  state.processes.push(nats)
  for (let id = 1; id <= command.controllers; id++) {
    state.processes.push(controllerRecord(state, id, next()))
  }
  for (let id = 1; id <= brokerCount; id++) {
    const rack =
      command.racks.length === 0 ? undefined : command.racks[(id - 1) % command.racks.length]
    state.processes.push(brokerRecord(state, id, next(), next(), rack))
  }
  for (let id = 1; id <= command.gateways; id++) {
    const port = command.port === 0 ? next() : command.port + id - 1
    state.processes.push(gatewayRecord(state, id, port))
  }
  writeState(state)

  const deadline = Date.now() + command.timeoutMs
  try {
    io.err(`starting nats-server (${state.natsUrl}, JetStream in ${natsDir})…`)
    nats.pid = startDetached(nats, logOf(state, nats))
    writeState(state)
    await waitUntilReady(state, [nats], deadline)
    const services = state.processes.filter((record) => record.role !== 'nats')
    io.err(`starting ${services.map((record) => record.name).join(', ')}…`)
    for (const record of services) {
      record.pid = startDetached(record, logOf(state, record))
      writeState(state)
    }
    const observations = await waitUntilReady(state, state.processes, deadline, ACTIVE_CONTROLLER)
    for (const line of statusLines(state, observations)) io.out(line)
  } catch (error) {
    io.err(`the cluster did not come up; stopping what was started (logs stay in ${logDir(dir)})`)
    await stopAll(state, CLEANUP_GRACE_MS, io)
    throw error
  }
  const gateways = state.processes.filter((record) => record.role === 'gateway').map(httpBase)
  io.out(gateways.length === 0 ? 'no gateway (--gateways 0)' : `gateway: ${gateways.join(' ')}`)
}

/** Refuses to start over a cluster of which some process still runs. */
function refuseIfRunning(dir: string): void {
  if (!hasState(dir)) return
  const running = readState(dir).processes.filter(isRunning)
  if (running.length > 0) {
    throw new Error(
      `a cluster is already running in ${dir} (${running.map((record) => record.name).join(', ')}); ` +
        `stop it first: npm run cluster -- down --dir ${dir}`,
    )
  }
}

/** Refuses gateway ports (`--port` and the next ones) that are taken; `--port 0` needs none. */
async function checkGatewayPorts(command: UpCommand): Promise<void> {
  if (command.port === 0) return
  for (let port = command.port; port < command.port + command.gateways; port++) {
    if (port > 65_535 || !(await portIsFree(port))) {
      throw new Error(`port ${port} is taken; choose the gateways' first port with --port`)
    }
  }
}
