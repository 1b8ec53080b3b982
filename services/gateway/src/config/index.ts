import { Acks, DEFAULT_OFFSETS_TOPIC_PARTITIONS } from '@tributary/core'
import * as z from 'zod'

/**
 * The gateway's settings, with units in their names. Every field has a named default; unknown
 * keys are refused so a misspelt setting fails loudly instead of being ignored.
 */

/** 0: a partition's batch leaves on the next event-loop turn, gathering what arrived meanwhile. */
export const DEFAULT_LINGER_MS = 0
/** An upper bound on one coalesced batch; the topic's max.message.bytes is the other bound. */
export const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024
/** Batches of one partition in flight to its leader at once (Kafka's max.in.flight.requests). */
export const DEFAULT_MAX_IN_FLIGHT_PER_PARTITION = 5
/** acks=all, as Kafka producers default to since 3.0: an answer means every in-sync replica has it. */
export const DEFAULT_ACKS = Acks.All
/** How long the leader may wait for the in-sync replicas of an acks=all write. */
export const DEFAULT_PRODUCE_TIMEOUT_MS = 30_000
/** How long a record may spend in retries (not leader, leader unreachable) before it fails. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 15_000
export const DEFAULT_RETRY_BACKOFF_MS = 50
export const DEFAULT_RETRY_BACKOFF_MAX_MS = 1000
/** `max_bytes` of a partition read that names none. */
export const DEFAULT_FETCH_MAX_BYTES = 1024 * 1024
/** The most `max_bytes` a partition read may ask for. */
export const DEFAULT_FETCH_MAX_BYTES_LIMIT = 64 * 1024 * 1024
/** `timeout` of a partition read that names none: the REST Proxy's consumer.request.timeout.ms. */
export const DEFAULT_FETCH_TIMEOUT_MS = 1000
/** The longest `timeout` a partition read may ask for. */
export const DEFAULT_FETCH_TIMEOUT_LIMIT_MS = 30_000
/** The largest request body (and the largest single record of a streamed v3 produce). */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024
/** Bytes of async-produced records the gateway holds before it refuses more. */
export const DEFAULT_ASYNC_MAX_PENDING_BYTES = 64 * 1024 * 1024
/** How long an admin call waits for the gateway's own metadata to show its change. */
export const DEFAULT_ADMIN_TIMEOUT_MS = 30_000
/** Partitions of `__consumer_offsets` when the gateway creates it (Kafka's offsets.topic.num.partitions). */
export const DEFAULT_OFFSETS_TOPIC_NUM_PARTITIONS = DEFAULT_OFFSETS_TOPIC_PARTITIONS
/** How long a consumer's records request waits when neither it nor its instance says: the REST Proxy's consumer.request.timeout.ms. */
export const DEFAULT_CONSUMER_REQUEST_TIMEOUT_MS = 1000
/** The most bytes (keys and values, unencoded) one consumer records response carries: the REST Proxy's consumer.request.max.bytes. */
export const DEFAULT_CONSUMER_REQUEST_MAX_BYTES = 64 * 1024 * 1024

export const gatewayConfigSchema = z.strictObject({
  lingerMs: z.number().int().min(0).max(1000).default(DEFAULT_LINGER_MS),
  maxBatchBytes: z.number().int().min(1024).max(0x7fff_ffff).default(DEFAULT_MAX_BATCH_BYTES),
  maxInFlightPerPartition: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(DEFAULT_MAX_IN_FLIGHT_PER_PARTITION),
  produceTimeoutMs: z.number().int().min(1).max(0x7fff_ffff).default(DEFAULT_PRODUCE_TIMEOUT_MS),
  deliveryTimeoutMs: z.number().int().min(0).default(DEFAULT_DELIVERY_TIMEOUT_MS),
  retryBackoffMs: z.number().int().min(1).default(DEFAULT_RETRY_BACKOFF_MS),
  retryBackoffMaxMs: z.number().int().min(1).default(DEFAULT_RETRY_BACKOFF_MAX_MS),
  /**
   * The acks of a produce that names none (`?acks=`): -1 waits for the in-sync replicas, 1 for
   * the leader only, 0 for nothing (the leader sends no answer, so no offsets are known).
   */
  acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(DEFAULT_ACKS),
  fetchMaxBytes: z.number().int().min(1).default(DEFAULT_FETCH_MAX_BYTES),
  fetchMaxBytesLimit: z
    .number()
    .int()
    .min(1)
    .max(0x7fff_ffff)
    .default(DEFAULT_FETCH_MAX_BYTES_LIMIT),
  fetchTimeoutMs: z.number().int().min(0).default(DEFAULT_FETCH_TIMEOUT_MS),
  fetchTimeoutLimitMs: z
    .number()
    .int()
    .min(0)
    .max(0x7fff_ffff)
    .default(DEFAULT_FETCH_TIMEOUT_LIMIT_MS),
  maxRequestBytes: z.number().int().min(1024).default(DEFAULT_MAX_REQUEST_BYTES),
  asyncMaxPendingBytes: z.number().int().min(0).default(DEFAULT_ASYNC_MAX_PENDING_BYTES),
  adminTimeoutMs: z.number().int().min(1).default(DEFAULT_ADMIN_TIMEOUT_MS),
  /** Partitions of `__consumer_offsets`, used only when this gateway is the one that creates it. */
  offsetsTopicNumPartitions: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(DEFAULT_OFFSETS_TOPIC_NUM_PARTITIONS),
  consumerRequestTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(0x7fff_ffff)
    .default(DEFAULT_CONSUMER_REQUEST_TIMEOUT_MS),
  consumerRequestMaxBytes: z
    .number()
    .int()
    .min(1)
    .max(0x7fff_ffff)
    .default(DEFAULT_CONSUMER_REQUEST_MAX_BYTES),
  /**
   * The origin v3 `self` and `related` links start with (e.g. `https://kafka.example.com`);
   * the request's own origin when absent, as the REST Proxy does without advertised listeners.
   */
  advertisedUrl: z.url().optional(),
})

export type GatewayConfig = z.output<typeof gatewayConfigSchema>
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>

/** The effective settings; throws naming the first bad key. */
export function resolveGatewayConfig(input: GatewayConfigInput = {}): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue === undefined ? '' : `${issue.path.join('.') || '(root)'}: `
    throw new RangeError(`invalid gateway config: ${where}${issue?.message ?? 'invalid'}`)
  }
  return result.data
}

export type { GatewayProcessConfig, ParsedGatewayArgs } from './args.ts'
export {
  DEFAULT_CONTROLLER_URL,
  DEFAULT_GATEWAY_PORT,
  GATEWAY_USAGE,
  parseGatewayArgs,
} from './args.ts'
