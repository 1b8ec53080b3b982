/**
 * The command line of `npm run cluster`: one command and its options, parsed into a
 * {@link Command} without touching the disk or any process, so it can be unit-tested.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

/** Where the cluster's state, data and logs live unless `--dir` says otherwise. */
export const DEFAULT_DIR = './cluster-data'
/** The first gateway's port unless `--port` says otherwise (the REST Proxy's). */
export const DEFAULT_GATEWAY_PORT = 8082
/** The NATS namespace of the cluster unless `--cluster-id` says otherwise. */
export const DEFAULT_CLUSTER_ID = 'local'
/** How long a command waits for processes to become ready, or to exit, by default. */
export const DEFAULT_TIMEOUT_MS = 60_000
/** The default replication factor where there are enough brokers for it (Kafka's advice). */
export const DEFAULT_REPLICATION_FACTOR = 3
/** The default `min.insync.replicas` with {@link DEFAULT_REPLICATION_FACTOR}: one replica may fail. */
export const DEFAULT_MIN_INSYNC_REPLICAS = 2

/** A command line that cannot be run as given: its message says why (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Options every command takes. */
interface Common {
  /** Absolute path of the cluster directory. */
  readonly dir: string
  /** Upper bound of any wait the command does. */
  readonly timeoutMs: number
}

/** What `up` starts. */
export interface UpCommand extends Common {
  readonly kind: 'up'
  readonly controllers: number
  readonly brokers: number
  readonly gateways: number
  /** The first gateway's port (the next ones count up); 0 picks free ports. */
  readonly port: number
  readonly clusterId: string
  /** Racks assigned to the brokers in turn; empty for none. */
  readonly racks: readonly string[]
  /** The controllers' `--session-timeout-ms`; their default when undefined. */
  readonly sessionTimeoutMs: number | undefined
  /** The cluster's `default.replication.factor` (the controllers' `--default-replication-factor`). */
  readonly replicationFactor: number
  /** The cluster's `min.insync.replicas` (the controllers' `--min-insync-replicas`). */
  readonly minInsyncReplicas: number
  /** Whether to run the build first (`--no-build` skips it). */
  readonly build: boolean
}

/** One parsed command line. */
export type Command =
  | { readonly kind: 'help' }
  | UpCommand
  | (Common & {
      readonly kind: 'status'
      readonly json: boolean
      /** Whether to list internal topics (`__consumer_offsets`) too. */
      readonly internal: boolean
    })
  | (Common & { readonly kind: 'add-broker'; readonly rack: string | undefined })
  | (Common & { readonly kind: 'stop-broker' | 'kill-broker'; readonly id: number })
  | (Common & { readonly kind: 'start-broker' | 'start-controller'; readonly id: number })
  | (Common & {
      readonly kind: 'kill-controller'
      /** The controller to kill; undefined with `--active` (the active one) or for a standby. */
      readonly id: number | undefined
      readonly active: boolean
    })
  | (Common & { readonly kind: 'down' })

/** The text `help` prints. */
export const USAGE = `Usage: npm run cluster -- <command> [options]

Commands:
  up [--controllers 3] [--brokers 3] [--gateways 1] [--port ${DEFAULT_GATEWAY_PORT}]
     [--cluster-id ${DEFAULT_CLUSTER_ID}] [--racks a,b,c] [--session-timeout-ms MS]
     [--replication-factor N] [--min-insync-replicas M] [--no-build]
                          start nats-server and every service, wait until ready; the
                          cluster's default replication factor and min.insync.replicas are
                          ${DEFAULT_REPLICATION_FACTOR} and ${DEFAULT_MIN_INSYNC_REPLICAS} with ${DEFAULT_REPLICATION_FACTOR} or more brokers, else the broker count and 1
  status [--json] [--internal]
                          the processes, their roles, the active controller, fenced brokers,
                          and each partition's leader, replicas and in-sync replicas
                          (--internal: __consumer_offsets too)
  add-broker [--rack R]   start one more broker
  stop-broker N           stop broker N gracefully (SIGTERM)
  kill-broker N           kill broker N (SIGKILL)
  start-broker N          start broker N again, same id, ports and data
  kill-controller [N | --active]
                          kill (SIGKILL) controller N, the active one, or else a standby
  start-controller N      start controller N again
  down                    stop everything (data and logs stay in the directory)

Every command takes --dir DIR (default ${DEFAULT_DIR}) and --timeout-ms MS (default ${DEFAULT_TIMEOUT_MS}).
Logs: DIR/logs/<name>.log.`

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>

const common: OptionSpec = { dir: { type: 'string' }, 'timeout-ms': { type: 'string' } }

/** The options each command accepts besides the common ones. */
const commandOptions: Record<Exclude<Command['kind'], 'help'>, OptionSpec> = {
  up: {
    controllers: { type: 'string' },
    brokers: { type: 'string' },
    gateways: { type: 'string' },
    port: { type: 'string' },
    'cluster-id': { type: 'string' },
    racks: { type: 'string' },
    'session-timeout-ms': { type: 'string' },
    'replication-factor': { type: 'string' },
    'min-insync-replicas': { type: 'string' },
    'no-build': { type: 'boolean' },
  },
  status: { json: { type: 'boolean' }, internal: { type: 'boolean' } },
  'add-broker': { rack: { type: 'string' } },
  'stop-broker': {},
  'kill-broker': {},
  'start-broker': {},
  'kill-controller': { active: { type: 'boolean' } },
  'start-controller': {},
  down: {},
}

const isKind = (name: string): name is keyof typeof commandOptions =>
  Object.hasOwn(commandOptions, name)

/** Parses `argv` (the arguments after `npm run cluster --`); relative `--dir` resolves from `cwd`. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    return { kind: 'help' }
  }
  if (!isKind(name)) throw new UsageError(`unknown command '${name}'`)
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...common, ...commandOptions[name] },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  const text = (key: string) => values[key] as string | undefined
  const flag = (key: string) => values[key] === true
  const base: Common = {
    dir: resolve(cwd, text('dir') ?? DEFAULT_DIR),
    timeoutMs: integer('--timeout-ms', text('timeout-ms'), DEFAULT_TIMEOUT_MS, 1),
  }
  const positionals = parsed.positionals
  const takesId = name.endsWith('-broker') || name.endsWith('-controller')
  const maxPositionals = takesId && name !== 'add-broker' ? 1 : 0
  if (positionals.length > maxPositionals) {
    throw new UsageError(`${name}: unexpected argument '${positionals[maxPositionals]}'`)
  }
  const id = positionals[0] === undefined ? undefined : integer(`${name} N`, positionals[0], 0, 0)
  switch (name) {
    case 'up': {
      const brokers = integer('--brokers', text('brokers'), 3, 1)
      return {
        kind: 'up',
        ...base,
        controllers: integer('--controllers', text('controllers'), 3, 1),
        brokers,
        ...replication(brokers, text('replication-factor'), text('min-insync-replicas')),
        gateways: integer('--gateways', text('gateways'), 1, 0),
        port: integer('--port', text('port'), DEFAULT_GATEWAY_PORT, 0, 65_535),
        clusterId: clusterId(text('cluster-id') ?? DEFAULT_CLUSTER_ID),
        racks: (text('racks') ?? '').split(',').filter((rack) => rack !== ''),
        sessionTimeoutMs:
          text('session-timeout-ms') === undefined
            ? undefined
            : integer('--session-timeout-ms', text('session-timeout-ms'), 0, 1),
        build: !flag('no-build'),
      }
    }
    case 'status':
      return { kind: 'status', ...base, json: flag('json'), internal: flag('internal') }
    case 'add-broker':
      return { kind: 'add-broker', ...base, rack: text('rack') }
    case 'kill-controller':
      if (id !== undefined && flag('active')) {
        throw new UsageError('kill-controller: give N or --active, not both')
      }
      return { kind: 'kill-controller', ...base, id, active: flag('active') }
    case 'down':
      return { kind: 'down', ...base }
    default:
      if (id === undefined) throw new UsageError(`${name}: which one? (${name} N)`)
      return { kind: name, ...base, id }
  }
}

/**
 * The cluster's replication defaults: as given, else a factor of
 * {@link DEFAULT_REPLICATION_FACTOR} where there are that many brokers (else every broker), and
 * a minimum of {@link DEFAULT_MIN_INSYNC_REPLICAS} for a factor that large (else 1), so one
 * replica may fail without refusing writes.
 * A factor above the broker count could place no topic, and a minimum above the factor would
 * refuse every acks=all write, so both are refused here rather than at the first topic.
 */
function replication(
  brokers: number,
  rawFactor: string | undefined,
  rawMinimum: string | undefined,
): { replicationFactor: number; minInsyncReplicas: number } {
  const enough = brokers >= DEFAULT_REPLICATION_FACTOR
  const replicationFactor = integer(
    '--replication-factor',
    rawFactor,
    enough ? DEFAULT_REPLICATION_FACTOR : brokers,
    1,
  )
  if (replicationFactor > brokers) {
    throw new UsageError(
      `--replication-factor ${replicationFactor} is more than the ${brokers} broker(s) (--brokers): no topic could be placed`,
    )
  }
  const fallback = replicationFactor >= DEFAULT_REPLICATION_FACTOR ? DEFAULT_MIN_INSYNC_REPLICAS : 1
  const minInsyncReplicas = integer('--min-insync-replicas', rawMinimum, fallback, 1)
  if (minInsyncReplicas > replicationFactor) {
    throw new UsageError(
      `--min-insync-replicas ${minInsyncReplicas} is more than the replication factor ${replicationFactor}: every acks=all produce would be refused`,
    )
  }
  return { replicationFactor, minInsyncReplicas }
}

/** A whole number in [min, max] from `raw`, or `fallback` when absent. */
function integer(
  what: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = 2 ** 31 - 1,
): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got '${raw}'`)
  }
  return value
}

/** The cluster id, checked as core's `checkClusterId` does (it namespaces NATS names). */
function clusterId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new UsageError(
      `--cluster-id must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-', got '${id}'`,
    )
  }
  return id
}
