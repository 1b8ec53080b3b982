import * as z from 'zod'
import { ErrorCode, TributaryError } from '../errors/index.ts'
import { brokerEndpointSchema } from '../metadata/index.ts'

/**
 * What the active controller is asked, by gateways (admin) and brokers (registration,
 * heartbeats): the requests as zod schemas, so the controller's HTTP API validates them with the
 * same definition its clients are typed by. Every change answers with the metadata offset of its
 * last record, so the caller can wait until its own image has reached it (read your writes).
 */

const topicName = z.string()

export const createTopicRequestSchema = z.strictObject({
  name: topicName,
  partitions: z.number().int(),
  /** Replicas per partition; -1 asks for the cluster's `default.replication.factor`, as in Kafka. */
  replicationFactor: z.number().int(),
  /** Kafka-named overrides, values as strings. */
  configs: z.record(z.string(), z.string()).default({}),
  /** Check everything, change nothing (the REST Proxy's `validate_only`). */
  validateOnly: z.boolean().default(false),
})

export const createPartitionsRequestSchema = z.strictObject({
  name: topicName,
  /** The partition count wanted in total, as Kafka's CreatePartitions takes it. */
  totalCount: z.number().int(),
})

export const alterTopicConfigsRequestSchema = z.strictObject({
  name: topicName,
  /** Configs to set. */
  set: z.record(z.string(), z.string()).default({}),
  /** Configs to return to their defaults. */
  remove: z.array(z.string()).default([]),
  validateOnly: z.boolean().default(false),
})

export const registerBrokerRequestSchema = z.strictObject({
  brokerId: z.number().int().min(0),
  incarnationId: z.string().min(1),
  endpoints: z.array(brokerEndpointSchema),
  rack: z.string().nullable().default(null),
})

export const brokerHeartbeatRequestSchema = z.strictObject({
  brokerId: z.number().int().min(0),
  brokerEpoch: z.number().int().min(0),
  /** The offset of the last metadata record the broker has applied. */
  metadataOffset: z.number().int().min(-1),
})

/**
 * Kafka's AlterPartition (KIP-497): the leader of a partition asks to change its ISR, shrinking
 * it when a follower lags past `replica.lag.time.max.ms` or expanding it once a follower caught
 * up. The leader names the leader epoch and partition epoch it saw, so a change computed on a
 * stale view is refused (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION) instead of applied.
 */
export const alterPartitionRequestSchema = z.strictObject({
  brokerId: z.number().int().min(0),
  brokerEpoch: z.number().int().min(0),
  topicId: z.string().min(1),
  partition: z.number().int().min(0),
  leaderEpoch: z.number().int().min(0),
  partitionEpoch: z.number().int().min(0),
  /** The ISR wanted: must hold the leader; every member a replica, every added one unfenced. */
  isr: z.array(z.number().int().min(0)).min(1),
})

export type CreateTopicRequest = z.input<typeof createTopicRequestSchema>
export type CreatePartitionsRequest = z.input<typeof createPartitionsRequestSchema>
export type AlterTopicConfigsRequest = z.input<typeof alterTopicConfigsRequestSchema>
export type RegisterBrokerRequest = z.input<typeof registerBrokerRequestSchema>
export type BrokerHeartbeatRequest = z.input<typeof brokerHeartbeatRequestSchema>
export type AlterPartitionRequest = z.input<typeof alterPartitionRequestSchema>

export interface AdminResult {
  /** Offset of the last metadata record the change appended (the current end when none). */
  readonly metadataOffset: number
}

export interface RegisterBrokerResult extends AdminResult {
  readonly brokerEpoch: number
}

export interface BrokerHeartbeatResult {
  /** Whether the broker must stay out of service (not yet caught up, or fenced). */
  readonly fenced: boolean
}

/** The partition as it is once the change has been appended (its leader may have changed). */
export interface AlterPartitionResult extends AdminResult {
  readonly leader: number
  readonly leaderEpoch: number
  readonly partitionEpoch: number
  readonly isr: readonly number[]
}

/**
 * The active controller as its callers see it: in-process in combined mode, over the network
 * otherwise. Failures are TributaryErrors (NOT_CONTROLLER when asked a standby,
 * TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_CONFIG …).
 */
export interface ControllerClient {
  createTopic(request: CreateTopicRequest): Promise<AdminResult>
  deleteTopic(name: string): Promise<AdminResult>
  createPartitions(request: CreatePartitionsRequest): Promise<AdminResult>
  alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<AdminResult>
  registerBroker(request: RegisterBrokerRequest): Promise<RegisterBrokerResult>
  brokerHeartbeat(request: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResult>
  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult>
}

/**
 * Checks a controller request against its schema, filling defaults: what the controller does with
 * every request, in process or from HTTP or NATS, so all get the same checks and wording. A
 * refusal is INVALID_REQUEST naming the field and the problem.
 */
export function parseControllerRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue?.path.join('.') || 'request'
  throw new TributaryError(
    ErrorCode.InvalidRequest,
    `invalid request: ${where}: ${issue?.message ?? 'unknown problem'}`,
  )
}
