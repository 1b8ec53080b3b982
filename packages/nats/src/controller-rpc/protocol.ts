/**
 * The wire format of controller requests over NATS request/reply, shared by
 * {@link NatsControllerClient} and {@link serveController}.
 *
 * One subject per operation (`natsNames(clusterId).controllerSubject(op)`). The request body is
 * the JSON of the operation's request as core's schema takes it as input (`deleteTopic` sends
 * `{name}`); the reply body is the JSON of a {@link ControllerReply}:
 *
 *   {"ok": true,  "result": <AdminResult | RegisterBrokerResult | BrokerHeartbeatResult |
 *                             AlterPartitionResult>}
 *   {"ok": false, "error": {"code": "TOPIC_ALREADY_EXISTS", "message": "...", "retriable": false}}
 */
import {
  alterPartitionRequestSchema,
  alterTopicConfigsRequestSchema,
  brokerHeartbeatRequestSchema,
  type ControllerOperation,
  createPartitionsRequestSchema,
  createTopicRequestSchema,
  ErrorCode,
  type ErrorData,
  registerBrokerRequestSchema,
  TributaryError,
} from '@tributary/core'
import * as z from 'zod'

/** What the server answers to every request: the controller's result or its error as data. */
export type ControllerReply =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: ErrorData }

/** `deleteTopic`'s request body: the topic's name, checked as strictly as the other requests. */
export const deleteTopicRequestSchema = createTopicRequestSchema.pick({ name: true })

/** The request schema of each operation, by operation. */
export const requestSchemas = {
  createTopic: createTopicRequestSchema,
  deleteTopic: deleteTopicRequestSchema,
  createPartitions: createPartitionsRequestSchema,
  alterTopicConfigs: alterTopicConfigsRequestSchema,
  registerBroker: registerBrokerRequestSchema,
  brokerHeartbeat: brokerHeartbeatRequestSchema,
  alterPartition: alterPartitionRequestSchema,
} as const satisfies Record<ControllerOperation, z.ZodType>

/** Every controller operation, in a fixed order (the keys of {@link requestSchemas}). */
export const controllerOperations = Object.keys(requestSchemas) as readonly ControllerOperation[]

/** The results the client accepts (extra fields are ignored, so the server may add some). */
export const adminResultSchema = z.object({ metadataOffset: z.number().int() })
export const registerBrokerResultSchema = adminResultSchema.extend({
  brokerEpoch: z.number().int(),
})
export const brokerHeartbeatResultSchema = z.object({ fenced: z.boolean() })
export const alterPartitionResultSchema = adminResultSchema.extend({
  leader: z.number().int(),
  leaderEpoch: z.number().int(),
  partitionEpoch: z.number().int(),
  isr: z.array(z.number().int()),
})

const replySchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), retriable: z.boolean().optional() }),
  }),
])

/** A reply as decoded, before its error (if any) becomes a TributaryError. */
export type DecodedReply = z.output<typeof replySchema>

/**
 * A reply body as the client reads it: the result or the error data (which core's errorFromData
 * turns back into a TributaryError). A body that is no reply at all is UNKNOWN_SERVER_ERROR.
 */
export function decodeReply(text: string, where: string): DecodedReply {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw unexpectedReply(where, 'not JSON')
  }
  const parsed = replySchema.safeParse(json)
  if (!parsed.success) throw unexpectedReply(where, 'neither a result nor an error')
  return parsed.data
}

/** A reply that is not what this protocol promises. */
export function unexpectedReply(where: string, what: string): TributaryError {
  return new TributaryError(
    ErrorCode.UnknownServerError,
    `unexpected reply to controller request ${where}: ${what}`,
  )
}
