import { InvalidConfigError } from '@tributary/core'
import {
  isLogLevel,
  LOG_LEVELS,
  type LogLevel,
  pairNatsSettings,
  parseClusterId,
  parseFlags,
  parseInteger,
  parseNatsServers,
  usageText,
} from '@tributary/node-service'
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../controller-session/index.ts'
import {
  DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS,
  DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS,
  DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS,
} from '../coordinator/index.ts'
import { DEFAULT_REPLICA_LAG_TIME_MAX_MS } from '../replication/index.ts'

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

export type { LogLevel }

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
  readonly logLevel: LogLevel
  readonly heartbeatIntervalMs: number
  readonly retentionCheckIntervalMs: number
  /** How appends are made durable (see @tributary/storage's FlushMode). */
  readonly flushMode: FlushModeName
  /** The shortest session timeout a consumer instance may ask for (Kafka's group.min.session.timeout.ms). */
  readonly groupMinSessionTimeoutMs: number
  /** The longest session timeout a consumer instance may ask for (Kafka's group.max.session.timeout.ms). */
  readonly groupMaxSessionTimeoutMs: number
  /** A consumer instance idle this long is deleted (the REST Proxy's consumer.instance.timeout.ms). */
  readonly consumerInstanceTimeoutMs: number
  /** The rack registered with the controller, for rack-aware placement; null: none. */
  readonly rack: string | null
  /** Kafka's replica.lag.time.max.ms: a follower not caught up for this long leaves the ISR. */
  readonly replicaLagTimeMaxMs: number
  /**
   * The NATS servers of the control plane: the broker registers and heartbeats over NATS
   * request/reply and follows the metadata stream. Null: the controller at {@link controllerUrl}.
   */
  readonly nats: readonly string[] | null
  /** The cluster's id, naming its NATS subjects and streams; set exactly when {@link nats} is. */
  readonly clusterId: string | null
}

/** Each option: its flag, its environment variable, its default as the usage text shows it. */
const options = {
  'broker-id': { env: 'BROKER_ID', default: String(DEFAULT_BROKER_ID) },
  'data-dir': { env: 'TRIBUTARY_DATA_DIR', default: DEFAULT_DATA_DIR },
  host: { env: 'BROKER_HOST', default: DEFAULT_BROKER_HOST },
  'advertised-host': {
    env: 'BROKER_ADVERTISED_HOST',
    default: "--host; this machine's name when that is 0.0.0.0 or ::",
  },
  port: { env: 'BROKER_PORT', default: String(DEFAULT_BROKER_PORT) },
  'http-port': { env: 'BROKER_HTTP_PORT', default: String(DEFAULT_BROKER_HTTP_PORT) },
  controller: { env: 'TRIBUTARY_CONTROLLER', default: DEFAULT_CONTROLLER_URL },
  nats: { env: 'TRIBUTARY_NATS_URL', default: 'none: the controller over HTTP' },
  'cluster-id': { env: 'TRIBUTARY_CLUSTER_ID', default: 'none; required with --nats' },
  rack: { env: 'BROKER_RACK', default: 'none' },
  'log-level': { env: 'LOG_LEVEL', default: DEFAULT_LOG_LEVEL },
  'heartbeat-interval-ms': {
    env: 'BROKER_HEARTBEAT_INTERVAL_MS',
    default: String(DEFAULT_HEARTBEAT_INTERVAL_MS),
  },
  'retention-check-interval-ms': {
    env: 'BROKER_RETENTION_CHECK_INTERVAL_MS',
    default: String(DEFAULT_RETENTION_CHECK_INTERVAL_MS),
  },
  'flush-mode': { env: 'BROKER_FLUSH_MODE', default: 'fsync' },
  'group-min-session-timeout-ms': {
    env: 'BROKER_GROUP_MIN_SESSION_TIMEOUT_MS',
    default: String(DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS),
  },
  'group-max-session-timeout-ms': {
    env: 'BROKER_GROUP_MAX_SESSION_TIMEOUT_MS',
    default: String(DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS),
  },
  'consumer-instance-timeout-ms': {
    env: 'BROKER_CONSUMER_INSTANCE_TIMEOUT_MS',
    default: String(DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS),
  },
  'replica-lag-time-max-ms': {
    env: 'BROKER_REPLICA_LAG_TIME_MAX_MS',
    default: String(DEFAULT_REPLICA_LAG_TIME_MAX_MS),
  },
} as const

type OptionName = keyof typeof options

export const BROKER_USAGE = usageText(
  'tributary-broker',
  Object.entries(options).map(([flag, option]) => ({
    flag,
    env: option.env,
    default: option.default,
  })),
)

export type ParsedBrokerArgs =
  | { readonly help: true }
  | { readonly help: false; readonly config: BrokerConfig }

/**
 * The broker's config from its flags, then its environment, then the defaults. Unknown flags
 * and malformed values are refused with INVALID_CONFIG naming the setting. `hostname` names this
 * machine, the advertised host when binding to every interface.
 */
export function parseBrokerConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  hostname = 'localhost',
): ParsedBrokerArgs {
  const flags = parseFlags(argv, Object.keys(options))
  if (flags.help) return { help: true }
  const get = (name: OptionName): string | undefined => {
    const value = flags.values[name] ?? env[options[name].env]
    return value === undefined || value === '' ? undefined : value
  }
  const host = get('host') ?? DEFAULT_BROKER_HOST
  const wildcard = host === '0.0.0.0' || host === '::'
  const flushMode = get('flush-mode') ?? 'fsync'
  if (flushMode !== 'fsync' && flushMode !== 'os') {
    throw new InvalidConfigError(`--flush-mode must be fsync or os, got '${flushMode}'`)
  }
  const logLevel = get('log-level') ?? DEFAULT_LOG_LEVEL
  if (!isLogLevel(logLevel)) {
    throw new InvalidConfigError(
      `--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`,
    )
  }
  const controllerUrl = get('controller') ?? DEFAULT_CONTROLLER_URL
  if (!URL.canParse(controllerUrl)) {
    throw new InvalidConfigError(`--controller must be a URL, got '${controllerUrl}'`)
  }
  const { nats, clusterId } = pairNatsSettings(
    natsServers(get('nats')),
    clusterIdOf(get('cluster-id')),
  )
  const groupMinSessionTimeoutMs = integer(
    'group-min-session-timeout-ms',
    get('group-min-session-timeout-ms'),
    DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS,
    1,
    0x7fff_ffff,
  )
  const groupMaxSessionTimeoutMs = integer(
    'group-max-session-timeout-ms',
    get('group-max-session-timeout-ms'),
    DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS,
    1,
    0x7fff_ffff,
  )
  if (groupMinSessionTimeoutMs > groupMaxSessionTimeoutMs) {
    throw new InvalidConfigError(
      `--group-min-session-timeout-ms (${groupMinSessionTimeoutMs}) must not exceed --group-max-session-timeout-ms (${groupMaxSessionTimeoutMs})`,
    )
  }
  return {
    help: false,
    config: {
      brokerId: integer('broker-id', get('broker-id'), DEFAULT_BROKER_ID, 0, 0x7fff_ffff),
      dataDir: get('data-dir') ?? DEFAULT_DATA_DIR,
      host,
      advertisedHost: get('advertised-host') ?? (wildcard ? hostname : host),
      port: integer('port', get('port'), DEFAULT_BROKER_PORT, 0, 65_535),
      httpPort: integer('http-port', get('http-port'), DEFAULT_BROKER_HTTP_PORT, 0, 65_535),
      controllerUrl,
      logLevel,
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
      groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs,
      consumerInstanceTimeoutMs: integer(
        'consumer-instance-timeout-ms',
        get('consumer-instance-timeout-ms'),
        DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS,
        1,
        0x7fff_ffff,
      ),
      rack: get('rack') ?? null,
      replicaLagTimeMaxMs: integer(
        'replica-lag-time-max-ms',
        get('replica-lag-time-max-ms'),
        DEFAULT_REPLICA_LAG_TIME_MAX_MS,
        1,
        0x7fff_ffff,
      ),
      nats,
      clusterId,
    },
  }
}

/** `--nats`: one NATS server URL or several, comma-separated; null when absent. */
function natsServers(raw: string | undefined): readonly string[] | null {
  if (raw === undefined) return null
  try {
    return parseNatsServers(raw)
  } catch (error) {
    throw new InvalidConfigError(`--nats (TRIBUTARY_NATS_URL): ${(error as Error).message}`)
  }
}

/** `--cluster-id` as core's checkClusterId allows it; null when absent. */
function clusterIdOf(raw: string | undefined): string | null {
  if (raw === undefined) return null
  try {
    return parseClusterId(raw)
  } catch (error) {
    throw new InvalidConfigError(`--cluster-id (TRIBUTARY_CLUSTER_ID): ${(error as Error).message}`)
  }
}

function integer(
  name: OptionName,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  return raw === undefined
    ? fallback
    : parseInteger(raw, `--${name} (${options[name].env})`, min, max)
}
