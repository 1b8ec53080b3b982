import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute } from '@hono/zod-openapi'
import type { PartitionState, TopicState } from '@tributary/core'
import type { GatewayContext } from '../context/index.ts'
import { partitionNotFound, topicNotFound } from '../errors/index.ts'
import { MediaType } from '../media/index.ts'
import { contentOf, errorResponses } from '../openapi/index.ts'
import { includeInternalFlag, listedTopics, parsePartitionId } from '../topics/index.ts'
import { includeInternalQuery, partitionParams, topicParams } from './params.ts'
import { v2Json, v2Type } from './respond.ts'
import { v2Partition, v2Topic } from './shapes.ts'

const v2 = [MediaType.V2]
const tags = ['v2 topics']
const notAcceptable = {
  406: 'The Accept header rules out application/vnd.kafka.v2+json and its alternatives',
}

/** The topic a v2 request names; 404/40401 when the image has none. */
export function v2TopicOf(ctx: GatewayContext, name: string): TopicState {
  const topic = ctx.metadata.image.topic(name)
  if (topic === undefined) throw topicNotFound()
  return topic
}

/** The partition a v2 request names, checked against the topic; 404/40402 otherwise. */
export function v2PartitionOf(topic: TopicState, raw: string): PartitionState {
  const id = parsePartitionId(raw)
  const state = id === undefined ? undefined : topic.partitions[id]
  if (state === undefined) throw partitionNotFound()
  return state
}

export function registerV2Metadata(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Liveness, as the REST Proxy answers it',
      responses: {
        200: { description: 'An empty object', content: contentOf(v2, 'EmptyObject') },
        ...errorResponses(v2, notAcceptable),
      },
    }),
    (c) => v2Json(c, {}),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/topics',
      tags,
      summary: 'List topic names',
      request: { query: includeInternalQuery },
      responses: {
        200: { description: 'Every topic name, sorted', content: contentOf(v2, 'V2TopicList') },
        ...errorResponses(v2, notAcceptable),
      },
    }),
    (c) => {
      const type = v2Type(c)
      const include = includeInternalFlag(c.req.query('include_internal'))
      const topics = listedTopics(ctx.metadata.image.topics, include)
      return v2Json(
        c,
        topics.map((topic) => topic.name),
        200,
        type,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/topics/{topic}',
      tags,
      summary: 'Describe a topic',
      request: { params: topicParams },
      responses: {
        200: {
          description: 'The topic, its configs and partitions',
          content: contentOf(v2, 'V2Topic'),
        },
        ...errorResponses(v2, { 404: 'Topic not found (40401)', ...notAcceptable }),
      },
    }),
    (c) => {
      const type = v2Type(c)
      const topic = v2TopicOf(ctx, c.req.param('topic'))
      return v2Json(c, v2Topic(topic, ctx.metadata.image.clusterConfigs), 200, type)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/topics/{topic}/partitions',
      tags,
      summary: "List a topic's partitions",
      request: { params: topicParams },
      responses: {
        200: {
          description: 'The partitions, with leader and replicas',
          content: contentOf(v2, 'V2PartitionList'),
        },
        ...errorResponses(v2, { 404: 'Topic not found (40401)', ...notAcceptable }),
      },
    }),
    (c) => {
      const type = v2Type(c)
      return v2Json(c, v2TopicOf(ctx, c.req.param('topic')).partitions.map(v2Partition), 200, type)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/topics/{topic}/partitions/{partition}',
      tags,
      summary: 'Describe a partition',
      request: { params: partitionParams },
      responses: {
        200: { description: 'The partition', content: contentOf(v2, 'V2Partition') },
        ...errorResponses(v2, {
          404: 'Topic (40401) or partition (40402) not found',
          ...notAcceptable,
        }),
      },
    }),
    (c) => {
      const type = v2Type(c)
      const topic = v2TopicOf(ctx, c.req.param('topic'))
      return v2Json(c, v2Partition(v2PartitionOf(topic, c.req.param('partition'))), 200, type)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/topics/{topic}/partitions/{partition}/offsets',
      tags,
      summary: "A partition's first offset and its end (the high watermark)",
      request: { params: partitionParams },
      responses: {
        200: { description: 'The offsets', content: contentOf(v2, 'V2PartitionOffsets') },
        ...errorResponses(v2, {
          404: 'Topic (40401) or partition (40402) not found',
          ...notAcceptable,
          500: 'The leader could not answer (50002, 50003 retriable)',
        }),
      },
    }),
    async (c) => {
      const type = v2Type(c)
      const topic = v2TopicOf(ctx, c.req.param('topic'))
      const { partition } = v2PartitionOf(topic, c.req.param('partition'))
      const offsets = await ctx.reader.offsets(topic.name, partition)
      return v2Json(c, { beginning_offset: offsets.beginning, end_offset: offsets.end }, 200, type)
    },
  )
}
