import type { TimestampType } from '../batch/index.ts'
import { InvalidConfigError } from '../errors/index.ts'

/**
 * Topic configs under Kafka's names, defaults and validity rules. Values arrive as strings, as
 * they do in Kafka's admin API and the REST Proxy; {@link parseTopicConfigs} turns them into a
 * typed, unit-named {@link TopicConfig} or refuses them naming the key and the reason.
 */
export interface TopicConfig {
  /** `retention.ms`: delete closed segments whose newest record is older; -1 keeps forever. */
  readonly retentionMs: number
  /** `retention.bytes`: delete the oldest closed segments past this size; -1 means no limit. */
  readonly retentionBytes: number
  /** `segment.bytes`: roll to a new segment file once the active one reaches this size. */
  readonly segmentBytes: number
  /** `segment.ms`: roll once the active segment is this old, even if not full. */
  readonly segmentMs: number
  /** `max.message.bytes`: the largest record batch a producer may append. */
  readonly maxMessageBytes: number
  /** `min.insync.replicas`: the ISR size below which acks=all produce is refused. */
  readonly minInsyncReplicas: number
  /** `cleanup.policy`: only `delete` (time and size retention) is implemented. */
  readonly cleanupPolicy: CleanupPolicy
  /** `message.timestamp.type`: keep the producer's timestamp or stamp the append time. */
  readonly messageTimestampType: MessageTimestampType
  /** `unclean.leader.election.enable`: may an out-of-sync replica become leader. */
  readonly uncleanLeaderElectionEnable: boolean
}

export type CleanupPolicy = 'delete'
/** Kafka's names for a batch's timestamp type, as `message.timestamp.type` spells them. */
export type MessageTimestampType = TimestampType
export type TopicConfigName = keyof typeof topicConfigDefinitions

const DAY_MS = 24 * 60 * 60 * 1000

/** Kafka's defaults for each topic config. */
export const defaultTopicConfig: TopicConfig = {
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  maxMessageBytes: 1_048_588,
  minInsyncReplicas: 1,
  cleanupPolicy: 'delete',
  messageTimestampType: 'CreateTime',
  uncleanLeaderElectionEnable: false,
}

interface Definition<K extends keyof TopicConfig> {
  readonly field: K
  readonly type: 'long' | 'int' | 'boolean' | 'string' | 'list'
  readonly documentation: string
  readonly parse: (raw: string) => TopicConfig[K]
  readonly format: (value: TopicConfig[K]) => string
}

class ConfigValueError extends Error {}

const INT_MAX = 2 ** 31 - 1

function integer(type: 'int' | 'long', min: number) {
  const max = type === 'int' ? INT_MAX : Number.MAX_SAFE_INTEGER
  return (raw: string): number => {
    const trimmed = raw.trim()
    if (!/^[+-]?\d+$/.test(trimmed))
      throw new ConfigValueError(`Not a number of type ${type.toUpperCase()}`)
    const value = Number(trimmed)
    if (value > max) throw new ConfigValueError(`Value must be no more than ${max}`)
    if (value < min) throw new ConfigValueError(`Value must be at least ${min}`)
    return value
  }
}

function boolean(raw: string): boolean {
  const lowered = raw.trim().toLowerCase()
  if (lowered === 'true') return true
  if (lowered === 'false') return false
  throw new ConfigValueError('Expected value to be either true or false')
}

function cleanupPolicy(raw: string): CleanupPolicy {
  const policies = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
  for (const policy of policies) {
    if (policy === 'compact') {
      throw new ConfigValueError('log compaction is not supported by Tributary; use delete')
    }
    if (policy !== 'delete') throw new ConfigValueError('String must be one of: compact, delete')
  }
  if (policies.length === 0) throw new ConfigValueError('String must be one of: compact, delete')
  return 'delete'
}

function timestampType(raw: string): MessageTimestampType {
  if (raw === 'CreateTime' || raw === 'LogAppendTime') return raw
  throw new ConfigValueError('String must be one of: CreateTime, LogAppendTime')
}

const asString = (value: number | boolean | string): string => String(value)

/** Every topic config Tributary knows, under its Kafka name. */
export const topicConfigDefinitions = {
  'retention.ms': {
    field: 'retentionMs',
    type: 'long',
    documentation:
      'How long a log segment is kept once its newest record is older; -1 keeps forever.',
    parse: integer('long', -1),
    format: asString,
  },
  'retention.bytes': {
    field: 'retentionBytes',
    type: 'long',
    documentation:
      'The most bytes a partition keeps before old segments are deleted; -1 means no limit.',
    parse: integer('long', -1),
    format: asString,
  },
  'segment.bytes': {
    field: 'segmentBytes',
    type: 'int',
    documentation: 'The size at which the active segment file is closed and a new one started.',
    parse: integer('int', 14),
    format: asString,
  },
  'segment.ms': {
    field: 'segmentMs',
    type: 'long',
    documentation: 'The age at which the active segment is closed even if it is not full.',
    parse: integer('long', 1),
    format: asString,
  },
  'max.message.bytes': {
    field: 'maxMessageBytes',
    type: 'int',
    documentation: 'The largest record batch size allowed, after compression.',
    parse: integer('int', 0),
    format: asString,
  },
  'min.insync.replicas': {
    field: 'minInsyncReplicas',
    type: 'int',
    documentation: 'The fewest in-sync replicas that must acknowledge an acks=all write.',
    parse: integer('int', 1),
    format: asString,
  },
  'cleanup.policy': {
    field: 'cleanupPolicy',
    type: 'list',
    documentation: 'What happens to old segments: delete (compaction is not supported).',
    parse: cleanupPolicy,
    format: asString,
  },
  'message.timestamp.type': {
    field: 'messageTimestampType',
    type: 'string',
    documentation: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker time.',
    parse: timestampType,
    format: asString,
  },
  'unclean.leader.election.enable': {
    field: 'uncleanLeaderElectionEnable',
    type: 'boolean',
    documentation:
      'Whether a replica outside the ISR may be elected leader, at the risk of data loss.',
    parse: boolean,
    format: asString,
  },
} as const satisfies { readonly [name: string]: Definition<keyof TopicConfig> }

const definitions: ReadonlyMap<string, Definition<keyof TopicConfig>> = new Map(
  Object.entries(topicConfigDefinitions),
)

export function isTopicConfigName(name: string): name is TopicConfigName {
  return definitions.has(name)
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Parses Kafka-named string configs. An unknown key or an invalid value throws
 * {@link InvalidConfigError} naming the key, the value and the reason.
 */
export function parseTopicConfigs(entries: Readonly<Record<string, string>>): Partial<TopicConfig> {
  const parsed: Partial<Mutable<TopicConfig>> = {}
  for (const [name, raw] of Object.entries(entries)) {
    const definition = definitions.get(name)
    if (definition === undefined) {
      throw new InvalidConfigError(`Unknown topic config name: ${name}`)
    }
    if (typeof raw !== 'string') {
      throw new InvalidConfigError(`Invalid value for configuration ${name}: expected a string`)
    }
    try {
      Object.assign(parsed, { [definition.field]: definition.parse(raw) })
    } catch (error) {
      if (!(error instanceof ConfigValueError)) throw error
      throw new InvalidConfigError(
        `Invalid value ${raw} for configuration ${name}: ${error.message}`,
      )
    }
  }
  return parsed
}

/** The effective config: Kafka's defaults overlaid with the topic's overrides. */
export function resolveTopicConfig(overrides: Partial<TopicConfig> = {}): TopicConfig {
  return { ...defaultTopicConfig, ...overrides }
}

export interface TopicConfigEntry {
  readonly name: TopicConfigName
  readonly value: string
  readonly isDefault: boolean
  readonly type: string
  readonly documentation: string
}

/** Every config of a topic under its Kafka name, marking which are defaults. */
export function describeTopicConfig(overrides: Partial<TopicConfig> = {}): TopicConfigEntry[] {
  const effective = resolveTopicConfig(overrides)
  return Object.entries(topicConfigDefinitions).map(([name, definition]) => {
    const field = definition.field
    const format = definition.format as (value: TopicConfig[typeof field]) => string
    return {
      name: name as TopicConfigName,
      value: format(effective[field]),
      isDefault: overrides[field] === undefined,
      type: definition.type.toUpperCase(),
      documentation: definition.documentation,
    }
  })
}

/** The Kafka-named string form of typed overrides, for storing them as metadata. */
export function formatTopicConfigs(overrides: Partial<TopicConfig>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, definition] of Object.entries(topicConfigDefinitions)) {
    const value = overrides[definition.field]
    if (value !== undefined) out[name] = String(value)
  }
  return out
}
