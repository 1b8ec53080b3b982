/**
 * Commands on one member of a running cluster: `add-broker`, `stop-broker N` (SIGTERM),
 * `kill-broker N` (SIGKILL), `start-broker N`, `kill-controller [N | --active]` and
 * `start-controller N`. A (re)started process runs exactly as recorded (same id, ports, data
 * dir), and the command waits until it is ready.
 */
import type { Command } from '../args.ts'
import { observe } from '../health.ts'
import { freePorts, isRunning, startDetached, stopProcess } from '../processes.ts'
import { brokerRecord, checkBuilt, logOf } from '../services.ts'
import {
  type ClusterState,
  findProcess,
  type ProcessRecord,
  processesOf,
  readState,
  writeState,
} from '../state.ts'
import { ACTIVE_CONTROLLER, waitUntilReady } from '../wait.ts'
import type { Io } from './io.ts'

type Kind<K extends Command['kind']> = Extract<Command, { kind: K }>

/** Runs `add-broker`: the next broker id, new free ports, the given rack. */
export async function addBroker(command: Kind<'add-broker'>, io: Io): Promise<void> {
  const state = readState(command.dir)
  checkBuilt()
  const id = Math.max(0, ...processesOf(state, 'broker').map((record) => record.id)) + 1
  const [port = 0, httpPort = 0] = await freePorts(2)
  const record = brokerRecord(state, id, port, httpPort, command.rack)
  state.processes.push(record)
  try {
    await start(state, record, command.timeoutMs, io)
  } catch (error) {
    // A broker that never ran is forgotten, so the next add-broker takes its id again.
    if (!isRunning(record)) {
      state.processes.splice(state.processes.indexOf(record), 1)
      writeState(state)
    }
    throw error
  }
}

/** Runs `start-broker N` or `start-controller N`. */
export async function startMember(
  command: Kind<'start-broker' | 'start-controller'>,
  io: Io,
): Promise<void> {
  const state = readState(command.dir)
  const role = command.kind === 'start-broker' ? 'broker' : 'controller'
  const record = findProcess(state, `${role}-${command.id}`)
  if (isRunning(record)) throw new Error(`${record.name} is already running (pid ${record.pid})`)
  checkBuilt()
  await start(state, record, command.timeoutMs, io)
}

/** Runs `stop-broker N` (SIGTERM, SIGKILL after --timeout-ms) or `kill-broker N` (SIGKILL). */
export async function stopBroker(
  command: Kind<'stop-broker' | 'kill-broker'>,
  io: Io,
): Promise<void> {
  const state = readState(command.dir)
  const record = findProcess(state, `broker-${command.id}`)
  const signal = command.kind === 'kill-broker' ? 'SIGKILL' : 'SIGTERM'
  await stop(state, record, signal, command.timeoutMs, io)
  if (signal === 'SIGKILL') {
    io.out('the active controller fences it once its session times out; its partitions go offline')
  }
}

/**
 * Runs `kill-controller`: SIGKILLs controller N, the active one (`--active`), or else a standby,
 * so the cluster keeps its active controller. After killing the active one it waits for
 * another to take over and says which did.
 */
export async function killController(command: Kind<'kill-controller'>, io: Io): Promise<void> {
  const state = readState(command.dir)
  const controllers = processesOf(state, 'controller')
  const observed = await Promise.all(controllers.map((record) => observe(state, record)))
  const running = observed.filter((observation) => observation.running)
  let target: ProcessRecord | undefined
  if (command.id !== undefined) {
    target = findProcess(state, `controller-${command.id}`)
  } else if (command.active) {
    target = running.find((observation) => observation.active === true)?.record
    if (target === undefined) throw new Error('no controller is active right now')
  } else {
    target = running.filter((observation) => observation.active !== true).at(-1)?.record
    if (target === undefined) {
      throw new Error('no standby controller is running (kill the active one with --active)')
    }
  }
  const wasActive = observed.find(({ record }) => record === target)?.active === true
  await stop(state, target, 'SIGKILL', command.timeoutMs, io)
  const others = controllers.filter((record) => record !== target && isRunning(record))
  if (!wasActive || others.length === 0) return
  try {
    const after = await waitUntilReady(
      state,
      others,
      Date.now() + command.timeoutMs,
      ACTIVE_CONTROLLER,
    )
    const active = after.find((observation) => observation.active === true)
    io.out(`${active?.record.name ?? 'another controller'} is now the active controller`)
  } catch (error) {
    io.err(`warning: ${(error as Error).message}`)
  }
}

async function start(state: ClusterState, record: ProcessRecord, timeoutMs: number, io: Io) {
  record.pid = startDetached(record, logOf(state, record))
  writeState(state)
  io.err(
    `${record.name} started (pid ${record.pid}, log ${logOf(state, record)}); waiting until it is ready…`,
  )
  const [observation] = await waitUntilReady(state, [record], Date.now() + timeoutMs)
  io.out(`${record.name} is up (pid ${record.pid}): ${observation?.detail ?? 'ready'}`)
}

async function stop(
  state: ClusterState,
  record: ProcessRecord,
  signal: NodeJS.Signals,
  timeoutMs: number,
  io: Io,
) {
  const pid = record.pid
  const outcome = await stopProcess(record, signal, timeoutMs)
  writeState(state)
  switch (outcome) {
    case 'not-running':
      throw new Error(`${record.name} is not running`)
    case 'survived':
      throw new Error(`${record.name} (pid ${pid}) is still running after SIGKILL`)
    default:
      io.out(`${record.name} (pid ${pid}) ${outcome === 'stopped' ? 'stopped' : 'killed'}`)
  }
}
