/**
 * The cluster's state file, `DIR/cluster.json`: every process the script started, with the
 * exact command line, ports and last known pid. Each `npm run cluster` invocation is a separate
 * process, so this file is the only memory between them; it is rewritten whole (write to a
 * temporary file, then rename) so a crash never leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from './args.ts'

/** What a process is in the cluster. */
export type Role = 'nats' | 'controller' | 'broker' | 'gateway'

/** One process the script manages. */
export interface ProcessRecord {
  /** `nats`, `controller-1`, `broker-2`, `gateway-1`: also its log's name. */
  readonly name: string
  readonly role: Role
  /** The controller's, broker's or gateway's number (0 for nats). */
  readonly id: number
  /** The executable (node or nats-server). */
  readonly command: string
  /** Its arguments, kept so a restart runs it exactly as before. */
  readonly args: readonly string[]
  /** The ports it listens on, by purpose (`client`, `http`, `data`). */
  readonly ports: Readonly<Record<string, number>>
  /** The broker's rack, if any. */
  readonly rack?: string
  /** The pid it was last started with; null once it is known to have exited. */
  pid: number | null
}

/** The whole state file. */
export interface ClusterState {
  readonly version: 1
  /** Absolute path of the cluster directory. */
  readonly dir: string
  readonly clusterId: string
  /** `nats://127.0.0.1:<port>`, the URL every service connects to. */
  readonly natsUrl: string
  /** The controllers' session timeout, if `up` set one. */
  readonly sessionTimeoutMs: number | undefined
  /**
   * The cluster's `default.replication.factor`, given to every controller; absent in a state
   * written before `up` set it (its controllers then run with their own default).
   */
  readonly replicationFactor?: number
  /** The cluster's `min.insync.replicas`, given to every controller; absent as above. */
  readonly minInsyncReplicas?: number
  readonly processes: ProcessRecord[]
}

const STATE_FILE = 'cluster.json'

/** The state file's path in `dir`. */
export const stateFile = (dir: string): string => join(dir, STATE_FILE)

/** The directory holding every process's log. */
export const logDir = (dir: string): string => join(dir, 'logs')

/** The log file of process `name`. */
export const logFile = (dir: string, name: string): string => join(logDir(dir), `${name}.log`)

/** Whether `dir` holds a state file (from an earlier `up`). */
export function hasState(dir: string): boolean {
  return existsSync(stateFile(dir))
}

/** Reads the state of the cluster in `dir`; throws, saying how to start one, when there is none. */
export function readState(dir: string): ClusterState {
  let text: string
  try {
    text = readFileSync(stateFile(dir), 'utf8')
  } catch {
    throw new Error(`no cluster in ${dir} (start one with: npm run cluster -- up --dir ${dir})`)
  }
  const state = JSON.parse(text) as ClusterState
  if (state.version !== 1 || !Array.isArray(state.processes)) {
    throw new Error(`${stateFile(dir)} is not a cluster state file this script understands`)
  }
  return state
}

/** Writes `state` to its directory atomically. */
export function writeState(state: ClusterState): void {
  mkdirSync(state.dir, { recursive: true })
  const file = stateFile(state.dir)
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(temporary, file)
}

/** The process called `name`; a UsageError naming the ones there are when it is not found. */
export function findProcess(state: ClusterState, name: string): ProcessRecord {
  const found = state.processes.find((record) => record.name === name)
  if (found === undefined) {
    const names = state.processes.map((record) => record.name).join(', ')
    throw new UsageError(`no ${name} in this cluster (it has ${names})`)
  }
  return found
}

/** The processes of one role, in id order. */
export function processesOf(state: ClusterState, role: Role): ProcessRecord[] {
  return state.processes.filter((record) => record.role === role).sort((a, b) => a.id - b.id)
}
