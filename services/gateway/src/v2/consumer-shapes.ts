import { z } from '@hono/zod-openapi'
import type { TopicPartition } from '@tributary/core'
import type { Context } from 'hono'
import { createConsumerRequestSchema } from '../consumers/index.ts'
import type { GatewayContext } from '../context/index.ts'
import { notAcceptable, partitionNotFound, topicNotFound, unprocessable } from '../errors/index.ts'
import { readJson } from '../http/index.ts'
import { negotiate, requireConsumerBody, v2ConsumerResponseOffers } from '../media/index.ts'
import { named } from '../openapi/index.ts'
import { describeIssues } from '../records/index.ts'

/** The v2 consumer API's bodies and parameters, as the REST Proxy's v2 entities write them. */

/** The `{group}` path parameter. */
export const groupParams = z.object({
  group: z.string().openapi({ param: { name: 'group', in: 'path' }, example: 'billing' }),
})

/** The `{group}` and `{instance}` path parameters of an instance's routes. */
export const instanceParams = groupParams.extend({
  instance: z
    .string()
    .openapi({ param: { name: 'instance', in: 'path' }, example: 'billing-consumer-1' }),
})

const topicPartition = z.object({
  topic: z.string().min(1),
  partition: z.number().int().min(0).max(0x7fff_ffff),
})

/** `{partitions: [{topic, partition}]}`: assignments, seeks to the beginning or end, committed. */
export const partitionsSchema = named(
  'V2ConsumerPartitions',
  z.object({ partitions: z.array(topicPartition) }),
)

/** `{topics}` or `{topic_pattern}`: a subscription. */
export const subscriptionSchema = named(
  'V2ConsumerSubscription',
  z.object({
    topics: z.array(z.string().min(1)).nullable().optional(),
    topic_pattern: z.string().min(1).nullable().optional().openapi({
      description:
        'A regular expression (JavaScript syntax) over whole topic names; internal topics never match',
    }),
  }),
)

const offset = z.number().int().min(0)

/** `{offsets: [{topic, partition, offset, metadata?}]}`: offsets of the last records processed. */
export const commitSchema = named(
  'V2ConsumerCommitRequest',
  z.object({
    offsets: z.array(
      topicPartition.extend({
        offset: offset.openapi({
          description: 'The offset of the last record processed; offset + 1 is committed',
        }),
        metadata: z.string().nullable().optional(),
      }),
    ),
  }),
)

/** A seek: `{offsets}` (or `{timestamps}`, refused for now). */
export const positionsSchema = named(
  'V2ConsumerSeekRequest',
  z.object({
    offsets: z
      .array(topicPartition.extend({ offset, metadata: z.string().nullable().optional() }))
      .nullable()
      .optional(),
    timestamps: z
      .array(z.unknown())
      .nullable()
      .optional()
      .openapi({ description: 'Seeking by timestamp is not supported yet (422)' }),
  }),
)

named('V2CreateConsumerRequest', createConsumerRequestSchema)
named(
  'V2CreateConsumerResponse',
  z.object({
    instance_id: z.string(),
    base_uri: z.string().openapi({
      description: 'The absolute URL of the instance; any gateway of the cluster serves it',
    }),
  }),
)
named('V2ConsumerSubscriptionResponse', z.object({ topics: z.array(z.string()) }))
named(
  'V2ConsumerCommittedOffsets',
  z.object({
    offsets: z.array(
      topicPartition.extend({
        offset: offset.openapi({ description: 'The next offset to read (last processed + 1)' }),
        metadata: z.string(),
      }),
    ),
  }),
)
named('V2ConsumerCommitResponse', z.array(z.unknown()).openapi({ example: [] }))
named(
  'EventStream',
  z.string().openapi({
    description:
      'Server-Sent Events: `id: <topic>:<partition>:<offset>`, `event: record`, `data: <the record as JSON>` per record; `: keep-alive` comments; `event: error` with the error body, then the end',
  }),
)

/** The consumer instance a path names. */
export function instanceOf(c: Context): { group: string; instance: string } {
  return { group: c.req.param('group') ?? '', instance: c.req.param('instance') ?? '' }
}

/** The response type of a consumer control call; 406 when Accept allows none. */
export function consumerType(c: Context): string {
  const type = negotiate(c.req.header('accept'), v2ConsumerResponseOffers)
  if (type === undefined) throw notAcceptable()
  return type
}

/** A consumer call's JSON body parsed by `schema`: 415 wrong type, 422 wrong shape; undefined when empty. */
export async function consumerBody<T extends z.ZodType>(
  c: Context,
  ctx: GatewayContext,
  schema: T,
): Promise<z.output<T> | undefined> {
  requireConsumerBody(c.req.header('content-type'))
  const body = await readJson(c.req.raw, ctx.config.maxRequestBytes)
  return body === undefined ? undefined : parseBody(schema, body)
}

/** `body` parsed by `schema`; 422 naming the field that is wrong. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
  return parsed.data
}

/** A body that must be there: 422 when it is not. */
export function required<T>(body: T | undefined): T {
  if (body === undefined) throw unprocessable('Request body is empty. Data is required.')
  return body
}

/** Checks topics (40401) and partitions (40402) exist before the coordinator is asked. */
export function checkPartitions(ctx: GatewayContext, partitions: readonly TopicPartition[]): void {
  for (const { topic, partition } of partitions) {
    const state = ctx.metadata.image.topic(topic)
    if (state === undefined) throw topicNotFound()
    if (state.partitions[partition] === undefined) throw partitionNotFound()
  }
}

/** A v2 body under the consumer call's negotiated type. */
export function consumerJson(c: Context, type: string, body: unknown): Response {
  c.header('Content-Type', type)
  return c.body(JSON.stringify(body), 200)
}
