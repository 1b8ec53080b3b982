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
import { ACKS_NAMES, acksNamed } from '../produce/index.ts'
import type { GatewayConfigInput } from './index.ts'

/**
 * The gateway process's settings, from flags, then environment variables, then defaults, as
 * docs/services.md lists them. Pure: `main.ts` passes `process.argv` and `process.env` in.
 */
export interface GatewayProcessConfig {
  readonly dataDir: string
  readonly logLevel: LogLevel
  /** The REST API's port; 0 picks a free one (main logs which). */
  readonly port: number
  readonly host: string
  /** The controller's base URL, or several (comma-separated): the active one answers. */
  readonly controller: readonly string[]
  /**
   * The NATS servers of the control plane: admin requests go to the active controller over NATS
   * request/reply and metadata is followed on its JetStream stream. Null: {@link controller}.
   */
  readonly nats: readonly string[] | null
  /** The cluster's id, naming its NATS subjects and streams; set exactly when {@link nats} is. */
  readonly clusterId: string | null
  /** The app's own settings (createGatewayApp's `config`). */
  readonly gateway: GatewayConfigInput
}

export const DEFAULT_GATEWAY_PORT = 8082
export const DEFAULT_GATEWAY_HOST = '0.0.0.0'
export const DEFAULT_CONTROLLER_URL = 'http://127.0.0.1:9093'

export type { LogLevel }

const count = (min: number) => z.coerce.number().int().min(min).optional()

const settings = {
  dataDir: {
    flag: 'data-dir',
    env: 'TRIBUTARY_DATA_DIR',
    schema: z.string().min(1).default('./data'),
  },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS).default('info') },
  port: {
    flag: 'port',
    env: 'PORT',
    schema: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_GATEWAY_PORT),
  },
  host: {
    flag: 'host',
    env: 'GATEWAY_HOST',
    schema: z.string().min(1).default(DEFAULT_GATEWAY_HOST),
  },
  controller: {
    flag: 'controller',
    env: 'TRIBUTARY_CONTROLLER',
    schema: z.string().min(1).default(DEFAULT_CONTROLLER_URL),
  },
  nats: { flag: 'nats', env: 'TRIBUTARY_NATS_URL', schema: natsServersSchema() },
  clusterId: { flag: 'cluster-id', env: 'TRIBUTARY_CLUSTER_ID', schema: clusterIdSchema() },
  lingerMs: { flag: 'linger-ms', env: 'GATEWAY_LINGER_MS', schema: count(0) },
  acks: { flag: 'acks', env: 'GATEWAY_ACKS', schema: z.enum(ACKS_NAMES).optional() },
  deliveryTimeoutMs: {
    flag: 'delivery-timeout-ms',
    env: 'GATEWAY_DELIVERY_TIMEOUT_MS',
    schema: count(0),
  },
  maxRequestBytes: {
    flag: 'max-request-bytes',
    env: 'GATEWAY_MAX_REQUEST_BYTES',
    schema: count(1024),
  },
  offsetsTopicNumPartitions: {
    flag: 'offsets-topic-num-partitions',
    env: 'GATEWAY_OFFSETS_TOPIC_NUM_PARTITIONS',
    schema: count(1),
  },
  consumerRequestTimeoutMs: {
    flag: 'consumer-request-timeout-ms',
    env: 'GATEWAY_CONSUMER_REQUEST_TIMEOUT_MS',
    schema: count(0),
  },
  consumerRequestMaxBytes: {
    flag: 'consumer-request-max-bytes',
    env: 'GATEWAY_CONSUMER_REQUEST_MAX_BYTES',
    schema: count(1),
  },
  advertisedUrl: {
    flag: 'advertised-url',
    env: 'GATEWAY_ADVERTISED_URL',
    schema: z.url().optional(),
  },
} as const

export const GATEWAY_USAGE = usageText('tributary-gateway', settingsUsageOptions(settings))

export type ParsedGatewayArgs =
  | { readonly help: true }
  | { readonly help: false; readonly config: GatewayProcessConfig }

/** Reads flags, then `env`; INVALID_CONFIG names the setting that is wrong. */
export function parseGatewayArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedGatewayArgs {
  const flags = parseFlags(
    argv,
    Object.values(settings).map((s) => s.flag),
  )
  if (flags.help) return { help: true }
  const read = settingReader(settings, flags.values, env)
  const acks = read('acks')
  const { nats, clusterId } = pairNatsSettings(read('nats'), read('clusterId'))
  const gateway: GatewayConfigInput = {
    ...defined('lingerMs', read('lingerMs')),
    ...defined('deliveryTimeoutMs', read('deliveryTimeoutMs')),
    ...defined('maxRequestBytes', read('maxRequestBytes')),
    ...defined('offsetsTopicNumPartitions', read('offsetsTopicNumPartitions')),
    ...defined('consumerRequestTimeoutMs', read('consumerRequestTimeoutMs')),
    ...defined('consumerRequestMaxBytes', read('consumerRequestMaxBytes')),
    ...defined('advertisedUrl', read('advertisedUrl')),
    ...defined('acks', acks === undefined ? undefined : acksNamed(acks)),
  }
  return {
    help: false,
    config: {
      dataDir: read('dataDir'),
      logLevel: read('logLevel'),
      port: read('port'),
      host: read('host'),
      controller: read('controller')
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== ''),
      nats,
      clusterId,
      gateway,
    },
  }
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>)
}
