import {
  clusterIdSchema,
  LOG_LEVELS,
  type LogLevel,
  natsServersSchema,
  pairNatsSettings,
  parseFlags,
  settingReader,
  settingsUsageOptions,
  usageText,
} from '@tributary/node-service'
import * as z from 'zod'
import { DEFAULT_SESSION_TIMEOUT_MS } from '../controller/index.ts'

/**
 * The controller process's settings, from flags, then environment variables, then defaults
 * (docs/services.md). Pure: `main.ts` passes `process.argv` and `process.env` in.
 */
export interface ControllerConfig {
  /** The metadata log and election live in `<dataDir>/controller/`. */
  readonly dataDir: string
  readonly logLevel: LogLevel
  /** HTTP port; 0 picks a free one (main logs which). */
  readonly port: number
  /** Address to listen on. */
  readonly host: string
  /** This candidate's id in the controller election. */
  readonly nodeId: string
  /** How long a broker may go without a heartbeat before it is fenced. */
  readonly sessionTimeoutMs: number
  /** How long the controller lease lasts unless renewed: the longest a failover waits for it. */
  readonly leaseMs: number
  /**
   * The NATS servers of the control plane (metadata stream, lease bucket, controller requests);
   * null: the embedded log and election under `<dataDir>/controller/` (one machine).
   */
  readonly nats: readonly string[] | null
  /**
   * The cluster's id: namespaces every NATS name, and is written to a new metadata log (a log of
   * another cluster is refused). Required with {@link nats}; null: a new log gets a random one.
   */
  readonly clusterId: string | null
  /**
   * The cluster's `default.replication.factor`, written to the metadata log by the active
   * controller; null leaves the log's value (1 when it has none).
   */
  readonly defaultReplicationFactor: number | null
  /** The cluster's `min.insync.replicas`, written the same way; null leaves the log's value. */
  readonly minInsyncReplicas: number | null
}

export const DEFAULT_DATA_DIR = './data'
export const DEFAULT_CONTROLLER_PORT = 9093
export const DEFAULT_CONTROLLER_HOST = '0.0.0.0'
export const DEFAULT_NODE_ID = 'controller-1'
export const DEFAULT_LOG_LEVEL = 'info'
/** The election's lease (the NATS and embedded elections' default alike). */
export const DEFAULT_LEASE_MS = 3_000

export type { LogLevel }

/** Each setting: its flag, its environment variable, and its schema (with the default). */
const settings = {
  dataDir: {
    flag: 'data-dir',
    env: 'TRIBUTARY_DATA_DIR',
    schema: z.string().min(1).default(DEFAULT_DATA_DIR),
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    schema: z.enum(LOG_LEVELS).default(DEFAULT_LOG_LEVEL),
  },
  port: {
    flag: 'port',
    env: 'CONTROLLER_PORT',
    schema: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_CONTROLLER_PORT),
  },
  host: {
    flag: 'host',
    env: 'CONTROLLER_HOST',
    schema: z.string().min(1).default(DEFAULT_CONTROLLER_HOST),
  },
  nodeId: {
    flag: 'node-id',
    env: 'CONTROLLER_ID',
    schema: z.string().min(1).default(DEFAULT_NODE_ID),
  },
  sessionTimeoutMs: {
    flag: 'session-timeout-ms',
    env: 'CONTROLLER_SESSION_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1).default(DEFAULT_SESSION_TIMEOUT_MS),
  },
  leaseMs: {
    flag: 'lease-ms',
    env: 'CONTROLLER_LEASE_MS',
    schema: z.coerce.number().int().min(3).max(3_600_000).default(DEFAULT_LEASE_MS),
  },
  nats: { flag: 'nats', env: 'TRIBUTARY_NATS_URL', schema: natsServersSchema() },
  clusterId: { flag: 'cluster-id', env: 'TRIBUTARY_CLUSTER_ID', schema: clusterIdSchema() },
  defaultReplicationFactor: {
    flag: 'default-replication-factor',
    env: 'CONTROLLER_DEFAULT_REPLICATION_FACTOR',
    // Kafka's replication factor is an int16.
    schema: z.coerce.number().int().min(1).max(32_767).optional(),
  },
  minInsyncReplicas: {
    flag: 'min-insync-replicas',
    env: 'CONTROLLER_MIN_INSYNC_REPLICAS',
    schema: z.coerce.number().int().min(1).max(32_767).optional(),
  },
} as const

export const CONTROLLER_USAGE = usageText('tributary-controller', settingsUsageOptions(settings))

export type ParsedArgs =
  | { readonly help: true }
  | { readonly help: false; readonly config: ControllerConfig }

/** Reads flags, then `env`; INVALID_CONFIG names the setting that is wrong. */
export function parseControllerConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedArgs {
  const flags = parseFlags(
    argv,
    Object.values(settings).map((s) => s.flag),
  )
  if (flags.help) return { help: true }
  const read = settingReader(settings, flags.values, env)
  const { nats, clusterId } = pairNatsSettings(read('nats'), read('clusterId'), {
    clusterIdAlone: true,
  })
  return {
    help: false,
    config: {
      dataDir: read('dataDir'),
      logLevel: read('logLevel'),
      port: read('port'),
      host: read('host'),
      nodeId: read('nodeId'),
      sessionTimeoutMs: read('sessionTimeoutMs'),
      leaseMs: read('leaseMs'),
      nats,
      clusterId,
      defaultReplicationFactor: read('defaultReplicationFactor') ?? null,
      minInsyncReplicas: read('minInsyncReplicas') ?? null,
    },
  }
}
