import { parseArgs } from 'node:util'
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../controller-session/index.ts'

export const DEFAULT_BROKER_ID = 1
export const DEFAULT_BROKER_PORT = 9092
export const DEFAULT_BROKER_HTTP_PORT = 9094
export const DEFAULT_BROKER_HOST = '127.0.0.1'
export const DEFAULT_CONTROLLER_URL = 'http://127.0.0.1:9093'
export const DEFAULT_DATA_DIR = './data'
export const DEFAULT_LOG_LEVEL = 'info'
/** Kafka's log.retention.check.interval.ms. */
export const DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000

export type FlushModeName = 'fsync' | 'os'

export interface BrokerConfig {
  readonly brokerId: number
  readonly dataDir: string
  /** Interface both servers bind to. */
  readonly host: string
  /** Host registered with the controller for clients to reach the data plane. */
  readonly advertisedHost: string
  /** Data-plane TCP port; 0 picks a free one (the bound port is registered). */
  readonly port: number
  /** `/health` and `/metrics`. */
  readonly httpPort: number
  readonly controllerUrl: string
  readonly logLevel: string
  readonly heartbeatIntervalMs: number
  readonly retentionCheckIntervalMs: number
  /** How appends are made durable (see @tributary/storage's FlushMode). */
  readonly flushMode: FlushModeName
}

/** Each option: its flag, its environment variable. */
const options = {
  'broker-id': { type: 'string', env: 'BROKER_ID' },
  'data-dir': { type: 'string', env: 'TRIBUTARY_DATA_DIR' },
  host: { type: 'string', env: 'BROKER_HOST' },
  'advertised-host': { type: 'string', env: 'BROKER_ADVERTISED_HOST' },
  port: { type: 'string', env: 'BROKER_PORT' },
  'http-port': { type: 'string', env: 'BROKER_HTTP_PORT' },
  controller: { type: 'string', env: 'TRIBUTARY_CONTROLLER' },
  'log-level': { type: 'string', env: 'LOG_LEVEL' },
  'heartbeat-interval-ms': { type: 'string', env: 'BROKER_HEARTBEAT_INTERVAL_MS' },
  'retention-check-interval-ms': { type: 'string', env: 'BROKER_RETENTION_CHECK_INTERVAL_MS' },
  'flush-mode': { type: 'string', env: 'BROKER_FLUSH_MODE' },
} as const

type OptionName = keyof typeof options

/** Thrown for a flag or value the broker cannot start with; main prints it and exits 2. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError'
}

/**
 * The broker's config from its flags, then its environment, then the defaults. Unknown flags
 * and malformed values are refused. `hostname` names this machine, for the advertised host
 * when binding to every interface.
 */
export function parseBrokerConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  hostname = 'localhost',
): BrokerConfig {
  let values: Partial<Record<OptionName, string>>
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.keys(options).map((name) => [name, { type: 'string' as const }]),
      ),
      strict: true,
      allowPositionals: false,
    })
    values = parsed.values as Partial<Record<OptionName, string>>
  } catch (error) {
    throw new BrokerConfigError(error instanceof Error ? error.message : String(error))
  }
  const get = (name: OptionName): string | undefined => {
    const value = values[name] ?? env[options[name].env]
    return value === undefined || value === '' ? undefined : value
  }
  const host = get('host') ?? DEFAULT_BROKER_HOST
  const wildcard = host === '0.0.0.0' || host === '::'
  const flushMode = get('flush-mode') ?? 'fsync'
  if (flushMode !== 'fsync' && flushMode !== 'os') {
    throw new BrokerConfigError(`--flush-mode must be fsync or os, got '${flushMode}'`)
  }
  const controllerUrl = get('controller') ?? DEFAULT_CONTROLLER_URL
  if (!URL.canParse(controllerUrl)) {
    throw new BrokerConfigError(`--controller must be a URL, got '${controllerUrl}'`)
  }
  return {
    brokerId: integer('broker-id', get('broker-id'), DEFAULT_BROKER_ID, 0, 0x7fff_ffff),
    dataDir: get('data-dir') ?? DEFAULT_DATA_DIR,
    host,
    advertisedHost: get('advertised-host') ?? (wildcard ? hostname : host),
    port: integer('port', get('port'), DEFAULT_BROKER_PORT, 0, 65_535),
    httpPort: integer('http-port', get('http-port'), DEFAULT_BROKER_HTTP_PORT, 0, 65_535),
    controllerUrl,
    logLevel: get('log-level') ?? DEFAULT_LOG_LEVEL,
    heartbeatIntervalMs: integer(
      'heartbeat-interval-ms',
      get('heartbeat-interval-ms'),
      DEFAULT_HEARTBEAT_INTERVAL_MS,
      1,
      3_600_000,
    ),
    retentionCheckIntervalMs: integer(
      'retention-check-interval-ms',
      get('retention-check-interval-ms'),
      DEFAULT_RETENTION_CHECK_INTERVAL_MS,
      1,
      0x7fff_ffff,
    ),
    flushMode,
  }
}

function integer(
  name: OptionName,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new BrokerConfigError(
      `--${name} (${options[name].env}) must be an integer in [${min}, ${max}], got '${raw}'`,
    )
  }
  return value
}
