import {
  CorruptRecordError,
  type InstanceConfig,
  instanceConfigSchema,
  type TopicPartition,
  topicPartitionSchema,
} from '@tributary/core'
import {
  decodingRecord,
  Reader,
  readRecordString,
  recordStringSize,
  Writer,
  writeRecordString,
} from '@tributary/core/internal'
import { patternSubscription, type Subscription } from './instance.ts'

/**
 * A consumer instance as a record of `__consumer_offsets`, beside the group's offset commits,
 * so that the instance outlives its coordinator: the broker that takes the partition over
 * replays it (offsets-replay.ts) and knows the instance. Kafka has no such record (its clients
 * keep this state themselves), so the kind is Tributary's own: a key version far above Kafka's
 * (0–1 offset commits, 2 group metadata, then the kinds of KIP-848's, share and streams groups),
 * which Kafka's coordinators skip as a record type they do not know, as core's offset decoder
 * does. The latest value for a key wins; a null value (a tombstone) says the instance was deleted
 * or expired.
 */

/** The key version of a consumer instance record (as the Group API's key, 1000: ours). */
export const INSTANCE_KEY_VERSION = 1000
const INSTANCE_VALUE_VERSION = 0

export interface InstanceRecordKey {
  readonly group: string
  readonly instance: string
}

/**
 * What survives a coordinator move: the instance's settings and what it reads. Not its
 * positions (a new coordinator starts it at the committed offsets), membership or last request.
 */
export interface InstanceRecordValue {
  readonly config: InstanceConfig
  readonly subscription: Subscription | null
  /** Its manual assignment, sorted; null when it has none. */
  readonly assignment: readonly TopicPartition[] | null
}

/*
 * Key (Tributary's ConsumerInstanceKey, version 1000); integers big-endian, strings as Kafka's
 * (int16 length, then UTF-8), so the key reads like Kafka's keys up to its version:
 *
 *   size   field
 *   2      version   int16   1000
 *   2 + n  group     string
 *   2 + n  instance  string
 */

export function encodeInstanceKey(key: InstanceRecordKey): Uint8Array {
  const writer = new Writer(2 + recordStringSize(key.group) + recordStringSize(key.instance))
  writer.writeInt16(INSTANCE_KEY_VERSION)
  writeRecordString(writer, key.group)
  writeRecordString(writer, key.instance)
  return writer.finish()
}

/**
 * The key of an instance record, or undefined for a key of another kind (Kafka's offset
 * commits and group metadata); throws CorruptRecordError for a malformed one.
 */
export function decodeInstanceKey(bytes: Uint8Array): InstanceRecordKey | undefined {
  return decodingRecord('consumer instance key', () => {
    const reader = new Reader(bytes)
    if (reader.readInt16() !== INSTANCE_KEY_VERSION) return undefined
    const group = readRecordString(reader)
    const instance = readRecordString(reader)
    return { group, instance }
  })
}

/*
 * Value (version 0): a version, then the rest of the value is one UTF-8 JSON document. JSON
 * because the config is the Group API's own JSON contract (core's instanceConfigSchema
 * validates it here as there), so a setting added there needs no new byte layout here.
 *
 *   size   field
 *   2      version  int16   0
 *   n      body     {"config": {…InstanceConfig},
 *                    "subscription": {"topics": ["a", …]} | {"pattern": "source"} | null,
 *                    "assignment": [{"topic": "a", "partition": 0}, …] | null}
 */

export function encodeInstanceValue(value: InstanceRecordValue): Uint8Array {
  const { subscription } = value
  const body = encoder.encode(
    JSON.stringify({
      config: value.config,
      subscription:
        subscription === null
          ? null
          : subscription.kind === 'topics'
            ? { topics: subscription.topics }
            : { pattern: subscription.source },
      assignment: value.assignment,
    }),
  )
  return new Writer(2 + body.length).writeInt16(INSTANCE_VALUE_VERSION).writeBytes(body).finish()
}

/**
 * A value written by {@link encodeInstanceValue}. Another version, a body that is not such a
 * document (a subscription and an assignment at once included), or a pattern that is not a
 * regular expression throws CorruptRecordError.
 */
export function decodeInstanceValue(bytes: Uint8Array): InstanceRecordValue {
  return decodingRecord('consumer instance value', () => {
    const reader = new Reader(bytes)
    const version = reader.readInt16()
    if (version !== INSTANCE_VALUE_VERSION) {
      throw new CorruptRecordError(`version ${version} is not supported`)
    }
    const body = parseJson(text(reader.readBytes(reader.remaining)))
    if (!isObject(body)) throw new CorruptRecordError('the body is not a JSON object')
    const config = instanceConfigSchema.safeParse(body.config)
    if (!config.success) {
      throw new CorruptRecordError(`config: ${config.error.issues[0]?.message ?? 'invalid'}`)
    }
    const assignment = assignmentSchema.safeParse(body.assignment)
    if (!assignment.success) {
      throw new CorruptRecordError(
        `assignment: ${assignment.error.issues[0]?.message ?? 'invalid'}`,
      )
    }
    const subscription = subscriptionOf(body.subscription)
    if (subscription !== null && assignment.data !== null) {
      throw new CorruptRecordError('an instance subscribes or assigns itself partitions, not both')
    }
    return { config: config.data, subscription, assignment: assignment.data }
  })
}

const assignmentSchema = topicPartitionSchema.array().nullable()

function subscriptionOf(stored: unknown): Subscription | null {
  if (stored === null) return null
  if (isObject(stored)) {
    const { topics, pattern } = stored
    if (Array.isArray(topics) && topics.every((topic) => typeof topic === 'string')) {
      return { kind: 'topics', topics: topics as string[] }
    }
    if (typeof pattern === 'string') {
      try {
        return patternSubscription(pattern)
      } catch (error) {
        throw new CorruptRecordError(`subscription: ${JSON.stringify(pattern)} is not a pattern`, {
          cause: error,
        })
      }
    }
  }
  throw new CorruptRecordError('subscription: neither topics nor a pattern')
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function text(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes)
  } catch (error) {
    throw new CorruptRecordError('text is not UTF-8', { cause: error })
  }
}

function parseJson(source: string): unknown {
  try {
    return JSON.parse(source)
  } catch (error) {
    throw new CorruptRecordError('the body is not JSON', { cause: error })
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
