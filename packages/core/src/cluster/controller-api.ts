import * as z from 'zod'
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

export type CreateTopicRequest = z.input<typeof createTopicRequestSchema>
export type CreatePartitionsRequest = z.input<typeof createPartitionsRequestSchema>
export type AlterTopicConfigsRequest = z.input<typeof alterTopicConfigsRequestSchema>
export type RegisterBrokerRequest = z.input<typeof registerBrokerRequestSchema>
export type BrokerHeartbeatRequest = z.input<typeof brokerHeartbeatRequestSchema>

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
}
