/**
 * Starting, recognising and stopping the cluster's processes across invocations. A process is
 * started detached, in its own process group, with stdout and stderr appended to its log, so it
 * outlives the command that started it. Before any signal the pid is checked against the
 * command line it was started with (Linux `/proc`), so a pid the system has since given to an
 * unrelated process is never signalled, and a zombie counts as exited.
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname } from 'node:path'
import type { ProcessRecord } from './state.ts'

/** How often waits look again. */
export const POLL_INTERVAL_MS = 200
/** How often a wait for an exit looks again (exits are quick to see, so often). */
const EXIT_POLL_MS = 50
/** How long a killed process gets to disappear. */
const KILL_WAIT_MS = 5_000

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/** Starts `record` detached with its output appended to `log`; returns its pid. */
export function startDetached(record: ProcessRecord, log: string): number {
  mkdirSync(dirname(log), { recursive: true })
  const fd = openSync(log, 'a')
  try {
    const child = spawn(record.command, [...record.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: process.env,
    })
    if (child.pid === undefined) throw new Error(`cannot start ${record.name} (${record.command})`)
    child.unref()
    return child.pid
  } finally {
    closeSync(fd)
  }
}

/**
 * Whether the process recorded as `record` still runs: its pid is alive, not a zombie, and (where
 * `/proc` exists) runs the recorded arguments.
 */
export function isRunning(record: ProcessRecord): boolean {
  const { pid } = record
  if (pid === null) return false
  if (!existsSync('/proc/self/cmdline')) return signalZeroSucceeds(pid)
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The state follows the parenthesised command name, which may itself hold spaces.
    const processState = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (processState === 'Z' || processState === 'X') return false
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1)
    const tail = argv.slice(argv.length - record.args.length)
    return tail.length === record.args.length && tail.every((arg, i) => arg === record.args[i])
  } catch {
    return false
  }
}

function signalZeroSucceeds(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Sends `signal` to the process if it still runs; whether it did. */
export function signalProcess(record: ProcessRecord, signal: NodeJS.Signals): boolean {
  if (!isRunning(record) || record.pid === null) return false
  try {
    process.kill(record.pid, signal)
    return true
  } catch {
    return false
  }
}

/** Waits until the process has exited; whether it did within `timeoutMs`. */
export async function waitForExit(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (isRunning(record)) {
    if (Date.now() >= deadline) return false
    await sleep(EXIT_POLL_MS)
  }
  return true
}

/** How a stop ended. */
export type StopOutcome = 'not-running' | 'stopped' | 'killed' | 'survived'

/**
 * Stops the process: `signal` (SIGTERM for a graceful stop, SIGKILL to kill it), then, if it
 * is still there after `graceMs`, SIGKILL. Clears the record's pid once it is gone.
 */
export async function stopProcess(
  record: ProcessRecord,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<StopOutcome> {
  if (!signalProcess(record, signal)) {
    record.pid = null
    return 'not-running'
  }
  let outcome: StopOutcome = signal === 'SIGKILL' ? 'killed' : 'stopped'
  if (!(await waitForExit(record, signal === 'SIGKILL' ? KILL_WAIT_MS : graceMs))) {
    signalProcess(record, 'SIGKILL')
    outcome = (await waitForExit(record, KILL_WAIT_MS)) ? 'killed' : 'survived'
  }
  if (outcome !== 'survived') record.pid = null
  return outcome
}

/** The last `lines` lines of a log file (empty when there is none). */
export function logTail(log: string, lines = 15): string {
  try {
    const text = readFileSync(log, 'utf8').trimEnd()
    return text.split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/** `count` distinct ports of 127.0.0.1 free right now (all held open until all are found). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listen(0)))
  const ports = servers.map(({ port }) => port)
  await Promise.all(servers.map(({ close }) => close()))
  return ports
}

/** Whether `port` of 127.0.0.1 can be listened on now. */
export async function portIsFree(port: number): Promise<boolean> {
  try {
    await (await listen(port)).close()
    return true
  } catch {
    return false
  }
}

function listen(port: number): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const bound = typeof address === 'object' && address !== null ? address.port : port
      resolve({ port: bound, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}
