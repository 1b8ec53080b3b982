import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import { ErrorCode, TributaryError, validateTopicName } from '@tributary/core'
import type { Context } from 'hono'
import { applyChange } from '../admin/index.ts'
import type { GatewayContext } from '../context/index.ts'
import { RestError, RestErrorCode, unprocessable } from '../errors/index.ts'
import { readJson } from '../http/index.ts'
import { requireJsonBody } from '../media/index.ts'
import { contentOf, errorResponses, named, ref } from '../openapi/index.ts'
import { describeIssues, emptyBody } from '../records/index.ts'
import { includeInternalFlag, listedTopics } from '../topics/index.ts'
import {
  clusterLinks,
  clusterParams,
  includeInternalQuery,
  json,
  topicParams,
  v3Json,
  v3TopicOf,
} from './common.ts'
import { topicData, topicDataOf } from './resources.ts'

const tags = ['v3 topics']

const createTopicSchema = named(
  'CreateTopicRequest',
  z.object({
    topic_name: z.string(),
    partitions_count: z
      .number()
      .int()
      .nullable()
      .optional()
      .openapi({ description: 'Default: the cluster num.partitions, else 1' }),
    replication_factor: z.number().int().nullable().optional().openapi({
      description: 'Default: the cluster default.replication.factor, else 1',
    }),
    replicas_assignments: z.record(z.string(), z.array(z.number().int())).optional().openapi({
      description: 'Not supported: replicas are placed by the controller (40002 when given)',
    }),
    configs: z
      .array(z.object({ name: z.string(), value: z.string().nullable().optional() }))
      .optional(),
    validate_only: z
      .boolean()
      .optional()
      .openapi({ description: 'Check everything, create nothing (200)' }),
  }),
)

named(
  'UpdatePartitionCountRequestData',
  z.object({
    partitions_count: z.number().int().openapi({ description: 'The new total; only increases' }),
  }),
)
const updatePartitionCountSchema = z.object({ partitions_count: z.number().int() })

const INT32_MAX = 0x7fff_ffff
const INT16_MAX = 0x7fff

export function registerV3Topics(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics',
      tags,
      summary: 'List topics',
      request: { params: clusterParams, query: includeInternalQuery },
      responses: {
        200: { description: 'Every topic, by name', content: contentOf(json, 'TopicDataList') },
        ...errorResponses(json, {
          404: 'Unknown cluster (404)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const include = includeInternalFlag(c.req.query('include_internal'))
      const data = listedTopics(ctx.metadata.image.topics, include).map((topic) =>
        topicDataOf(links, topic),
      )
      return v3Json(c, links.collection('KafkaTopicList', links.url('topics'), data))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}',
      tags,
      summary: 'Get a topic',
      request: { params: topicParams },
      responses: {
        200: { description: 'The topic', content: contentOf(json, 'TopicData') },
        ...errorResponses(json, {
          404: 'Unknown cluster (404) or topic (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      return v3Json(c, topicDataOf(links, v3TopicOf(c, ctx)))
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v3/clusters/{cluster_id}/topics',
      tags,
      summary: 'Create a topic',
      description:
        'Answers once this gateway sees the new topic, so the next request finds it. A partition count or replication factor below 1, an invalid name, an unknown config or an existing topic is 400/40002.',
      request: {
        params: clusterParams,
        body: {
          required: true,
          content: { 'application/json': { schema: ref('CreateTopicRequest') } },
        },
      },
      responses: {
        201: { description: 'Created; Location names it', content: contentOf(json, 'TopicData') },
        200: {
          description: 'validate_only: it would be created',
          content: contentOf(json, 'TopicData'),
        },
        ...errorResponses(json, {
          400: 'Malformed JSON (400); topic exists, invalid name, partitions, replication factor or config (40002)',
          404: 'Unknown cluster (404)',
          406: 'Accept rules out application/json',
          415: 'Content-Type is not application/json',
          422: 'Invalid body',
          500: 'The controller could not be reached or refused (50002, 50003 retriable)',
        }),
      },
    }),
    (c) => createTopic(c, ctx),
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}',
      tags,
      summary: "Raise a topic's partition count",
      description:
        'Adds partitions up to partitions_count (Kafka CreatePartitions); keyed records may then map to other partitions. A lower count is 400/40002.',
      request: {
        params: topicParams,
        body: {
          required: true,
          content: { 'application/json': { schema: ref('UpdatePartitionCountRequestData') } },
        },
      },
      responses: {
        200: {
          description: 'The topic with its new partition count',
          content: contentOf(json, 'TopicData'),
        },
        ...errorResponses(json, {
          400: 'Malformed JSON (400); a count below the current one (40002)',
          404: 'Unknown cluster (404) or topic (40403)',
          406: 'Accept rules out application/json',
          415: 'Content-Type is not application/json',
          422: 'Invalid body',
          500: 'The controller could not be reached or refused (50002, 50003 retriable)',
        }),
      },
    }),
    async (c) => {
      requireJsonBody(c.req.header('content-type'))
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const body = await readJson(c.req.raw, ctx.config.maxRequestBytes)
      if (body === undefined) throw emptyBody()
      const parsed = updatePartitionCountSchema.safeParse(body)
      if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
      const totalCount = parsed.data.partitions_count
      if (totalCount !== topic.partitions.length) {
        await applyChange(ctx.metadata, ctx.config.adminTimeoutMs, () =>
          ctx.controller.createPartitions({ name: topic.name, totalCount }),
        )
      }
      return v3Json(c, topicDataOf(links, ctx.metadata.image.topic(topic.name) ?? topic))
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}',
      tags,
      summary: 'Delete a topic',
      request: { params: topicParams },
      responses: {
        204: { description: 'Deleted; this gateway no longer shows it' },
        ...errorResponses(json, {
          404: 'Unknown cluster (404) or topic (40403)',
          406: 'Accept rules out application/json',
          500: 'The controller could not be reached or refused (50002, 50003 retriable)',
        }),
      },
    }),
    async (c) => {
      clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      await applyChange(ctx.metadata, ctx.config.adminTimeoutMs, () =>
        ctx.controller.deleteTopic(topic.name),
      )
      return c.body(null, 204)
    },
  )
}

async function createTopic(c: Context, ctx: GatewayContext): Promise<Response> {
  requireJsonBody(c.req.header('content-type'))
  const links = clusterLinks(c, ctx)
  const body = await readJson(c.req.raw, ctx.config.maxRequestBytes)
  if (body === undefined) throw emptyBody()
  const parsed = createTopicSchema.safeParse(body)
  if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
  const request = parsed.data
  if (
    request.replicas_assignments !== undefined &&
    Object.keys(request.replicas_assignments).length > 0
  ) {
    throw new RestError(
      RestErrorCode.KafkaBadRequest,
      'replicas_assignments is not supported: the controller places replicas',
    )
  }
  validateTopicName(request.topic_name)
  const clusterConfigs = ctx.metadata.image.clusterConfigs
  const partitions = request.partitions_count ?? numberOr(clusterConfigs['num.partitions'], 1)
  const replicationFactor =
    request.replication_factor ?? numberOr(clusterConfigs['default.replication.factor'], 1)
  if (partitions < 1 || partitions > INT32_MAX) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      'Number of partitions must be larger than 0.',
    )
  }
  if (replicationFactor < 1 || replicationFactor > INT16_MAX) {
    throw new TributaryError(
      ErrorCode.InvalidReplicationFactor,
      'Replication factor must be larger than 0.',
    )
  }
  const configs: Record<string, string> = {}
  for (const entry of request.configs ?? []) {
    if (entry.value !== undefined && entry.value !== null) configs[entry.name] = entry.value
  }
  const validateOnly = request.validate_only ?? false
  await applyChange(ctx.metadata, ctx.config.adminTimeoutMs, () =>
    ctx.controller.createTopic({
      name: request.topic_name,
      partitions,
      replicationFactor,
      configs,
      validateOnly,
    }),
  )
  if (validateOnly)
    return v3Json(c, topicData(links, request.topic_name, { partitions, replicationFactor }), 200)
  const topic = ctx.metadata.image.topic(request.topic_name)
  const data =
    topic === undefined
      ? topicData(links, request.topic_name, { partitions, replicationFactor })
      : topicDataOf(links, topic)
  c.header('Location', data.metadata.self)
  return v3Json(c, data, 201)
}

function numberOr(raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? Number.NaN : Number(raw)
  return Number.isInteger(value) && value > 0 ? value : fallback
}
