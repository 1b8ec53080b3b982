import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute } from '@hono/zod-openapi'
import { ErrorCode, TributaryError } from '@tributary/core'
import { parseCreateConsumer } from '../consumers/index.ts'
import type { GatewayContext } from '../context/index.ts'
import { RestError, RestErrorCode, unprocessable } from '../errors/index.ts'
import { originOf, readJson } from '../http/index.ts'
import { MediaType, requireConsumerBody } from '../media/index.ts'
import { contentOf, errorResponses, ref } from '../openapi/index.ts'
import {
  checkPartitions,
  consumerBody,
  consumerJson,
  consumerType,
  groupParams,
  instanceOf,
  instanceParams,
  partitionsSchema,
  required,
  subscriptionSchema,
} from './consumer-shapes.ts'

/** What the v2 consumer calls answer in, and take. */
export const consumerMedia = [MediaType.V2]
/** The OpenAPI tag of the v2 consumer routes. */
export const consumerTags = ['v2 consumers']

/** The body of a consumer call, under the types the REST Proxy's consumers resource consumes. */
export function consumerRequestBody(schema: string, required = true) {
  return {
    required,
    content: {
      [MediaType.V2]: { schema: ref(schema) },
      [MediaType.Json]: { schema: ref(schema) },
    },
  }
}

/** The error responses every call on an instance may give, plus `extra`. */
export function instanceErrors(extra: Readonly<Record<number, string>> = {}) {
  return errorResponses(consumerMedia, {
    404: 'Consumer instance not found (40403)',
    406: 'Accept rules out application/vnd.kafka.v2+json',
    500: 'The group coordinator could not be reached (50003, retriable)',
    ...extra,
  })
}

/** The error response of a consumer call whose body is not JSON. */
export const body415 = {
  415: 'Content-Type is not JSON (application/vnd.kafka.v2+json or application/json)',
}
/** Where an instance's routes start. */
export const instanceBase = '/consumers/{group}/instances/{instance}'

/** The v2 consumer instance routes: create, delete, subscription and assignments. */
export function registerV2Consumers(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/consumers/{group}',
      tags: consumerTags,
      summary: 'Create a consumer instance in a group',
      description:
        'The instance lives with the group coordinator, not in this gateway: any gateway of the cluster serves its base_uri. An instance idle for consumer.instance.timeout.ms (5 minutes) is deleted. Only the binary and json formats exist (no Schema Registry).',
      request: { params: groupParams, body: consumerRequestBody('V2CreateConsumerRequest', false) },
      responses: {
        200: {
          description: 'Created',
          content: contentOf(consumerMedia, 'V2CreateConsumerResponse'),
        },
        ...errorResponses(consumerMedia, {
          406: 'Accept rules out application/vnd.kafka.v2+json',
          409: 'An instance of that name exists in the group (40902)',
          ...body415,
          422: 'Invalid body (422) or consumer config: format, auto.offset.reset, session.timeout.ms … (42204)',
          500: 'The group coordinator could not be reached (50003, retriable)',
        }),
      },
    }),
    async (c) => {
      const type = consumerType(c)
      const group = c.req.param('group')
      requireConsumerBody(c.req.header('content-type'))
      const { name, config } = parseCreateConsumer(
        await readJson(c.req.raw, ctx.config.maxRequestBytes),
      )
      const { instance } = await ctx.coordinator.call({
        op: 'createInstance',
        group,
        instance: name,
        config,
      })
      const base = `${originOf(c, ctx.config.advertisedUrl)}/consumers/${encodeURIComponent(group)}/instances/${encodeURIComponent(instance)}`
      return consumerJson(c, type, { instance_id: instance, base_uri: base })
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: instanceBase,
      tags: consumerTags,
      summary: 'Delete a consumer instance',
      description: 'It leaves the group at once; its partitions move to the other members.',
      request: { params: instanceParams },
      responses: { 204: { description: 'Deleted' }, ...instanceErrors() },
    }),
    async (c) => {
      consumerType(c)
      await ctx.coordinator.call({ op: 'deleteInstance', ...instanceOf(c) })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: `${instanceBase}/subscription`,
      tags: consumerTags,
      summary: 'Subscribe to topics, by name or by pattern',
      description:
        "Replaces the instance's subscription. The group's members share the partitions of what they subscribe to; each partition is read by one member at a time.",
      request: { params: instanceParams, body: consumerRequestBody('V2ConsumerSubscription') },
      responses: {
        204: { description: 'Subscribed' },
        ...instanceErrors({
          404: 'Consumer instance (40403) or topic (40401) not found',
          409: 'The instance has a manual assignment (40903)',
          ...body415,
          422: 'Invalid body: topics or topic_pattern, exactly one (422)',
        }),
      },
    }),
    async (c) => {
      consumerType(c)
      const body = required(await consumerBody(c, ctx, subscriptionSchema))
      const topics = body.topics ?? null
      const pattern = body.topic_pattern ?? null
      if ((topics === null) === (pattern === null)) {
        throw unprocessable('Give topics or topic_pattern, and not both')
      }
      if (pattern !== null) checkPattern(pattern)
      if (topics !== null)
        checkPartitions(
          ctx,
          topics.map((topic) => ({ topic, partition: 0 })),
        )
      try {
        await ctx.coordinator.call({ op: 'subscribe', ...instanceOf(c), topics, pattern })
      } catch (error) {
        // A topic deleted between the check and the coordinator's own.
        if (error instanceof TributaryError && error.code === ErrorCode.UnknownTopicOrPartition) {
          throw new RestError(RestErrorCode.TopicNotFound, error.message, { cause: error })
        }
        throw error
      }
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${instanceBase}/subscription`,
      tags: consumerTags,
      summary: 'The topics the instance subscribes to',
      request: { params: instanceParams },
      responses: {
        200: {
          description: 'The subscribed topics (for a pattern, the topics it matches now)',
          content: contentOf(consumerMedia, 'V2ConsumerSubscriptionResponse'),
        },
        ...instanceErrors(),
      },
    }),
    async (c) => {
      const type = consumerType(c)
      const result = await ctx.coordinator.call({ op: 'subscription', ...instanceOf(c) })
      return consumerJson(c, type, { topics: result.topics })
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${instanceBase}/subscription`,
      tags: consumerTags,
      summary: 'Unsubscribe: leave the group, keep the instance',
      request: { params: instanceParams },
      responses: { 204: { description: 'Unsubscribed' }, ...instanceErrors() },
    }),
    async (c) => {
      consumerType(c)
      await ctx.coordinator.call({ op: 'unsubscribe', ...instanceOf(c) })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: `${instanceBase}/assignments`,
      tags: consumerTags,
      summary: 'Assign partitions manually',
      description: 'The instance reads exactly these partitions, outside the group rebalancing.',
      request: { params: instanceParams, body: consumerRequestBody('V2ConsumerPartitions') },
      responses: {
        204: { description: 'Assigned' },
        ...instanceErrors({
          404: 'Consumer instance (40403), topic (40401) or partition (40402) not found',
          409: 'The instance is subscribed (40903)',
          ...body415,
          422: 'Invalid body',
        }),
      },
    }),
    async (c) => {
      consumerType(c)
      const { partitions } = required(await consumerBody(c, ctx, partitionsSchema))
      checkPartitions(ctx, partitions)
      await ctx.coordinator.call({ op: 'assign', ...instanceOf(c), partitions })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${instanceBase}/assignments`,
      tags: consumerTags,
      summary: 'The partitions the instance reads now',
      request: { params: instanceParams },
      responses: {
        200: {
          description: 'Its partitions (a subscribed member takes its share at its next read)',
          content: contentOf(consumerMedia, 'V2ConsumerPartitions'),
        },
        ...instanceErrors(),
      },
    }),
    async (c) => {
      const type = consumerType(c)
      const result = await ctx.coordinator.call({ op: 'assignments', ...instanceOf(c) })
      return consumerJson(c, type, {
        partitions: result.partitions.map(({ topic, partition }) => ({ topic, partition })),
      })
    },
  )
}

function checkPattern(pattern: string): void {
  try {
    new RegExp(pattern)
  } catch (error) {
    throw unprocessable(`topic_pattern is not a regular expression: ${(error as Error).message}`)
  }
}
