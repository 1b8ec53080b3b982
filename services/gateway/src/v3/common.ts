import { z } from '@hono/zod-openapi'
import type { PartitionState, TopicState } from '@tributary/core'
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { GatewayContext } from '../context/index.ts'
import {
  clusterNotFound,
  notAcceptable,
  notFound,
  unknownTopicOrPartition,
} from '../errors/index.ts'
import { originOf as httpOrigin } from '../http/index.ts'
import { acceptsJson, MediaType } from '../media/index.ts'
import { parsePartitionId } from '../topics/index.ts'
import { Links } from './resources.ts'

/** The v3 media type, both ways. */
export const json = [MediaType.Json]

export const clusterParams = z.object({
  cluster_id: z
    .string()
    .openapi({ param: { name: 'cluster_id', in: 'path' }, example: 'tFbMWrS1QIqUs4xZ3Xyk9w' }),
})
export const topicParams = clusterParams.extend({
  topic_name: z.string().openapi({ param: { name: 'topic_name', in: 'path' }, example: 'orders' }),
})
export const partitionParams = topicParams.extend({
  partition_id: z
    .string()
    .openapi({ param: { name: 'partition_id', in: 'path' }, type: 'integer', example: '0' }),
})
const brokerId = z
  .string()
  .openapi({ param: { name: 'broker_id', in: 'path' }, type: 'integer', example: '1' })
export const replicaParams = partitionParams.extend({ broker_id: brokerId })
export const brokerParams = clusterParams.extend({ broker_id: brokerId })
/** The same query parameter as v2's: one definition, so both document it alike. */
export { includeInternalQuery } from '../v2/params.ts'
export const configParams = topicParams.extend({
  name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'retention.ms' }),
})

/** Checks Accept, then that the path names this cluster; the links for its resources. */
export function clusterLinks(c: Context, ctx: GatewayContext): Links {
  if (!acceptsJson(c.req.header('accept'))) throw notAcceptable()
  const clusterId = c.req.param('cluster_id') ?? ''
  if (ctx.metadata.image.clusterId !== clusterId) throw clusterNotFound(clusterId)
  return new Links(originOf(c, ctx), clusterId)
}

/** Where links start: the configured advertised URL, else the request's own origin. */
export function originOf(c: Context, ctx: GatewayContext): string {
  return httpOrigin(c, ctx.config.advertisedUrl)
}

/** The topic a v3 path names; 404/40403 when there is none. */
export function v3TopicOf(c: Context, ctx: GatewayContext): TopicState {
  const topic = ctx.metadata.image.topic(c.req.param('topic_name') ?? '')
  if (topic === undefined) throw unknownTopicOrPartition()
  return topic
}

/** The partition a v3 path names; 404/40403 when there is none. */
export function v3PartitionOf(c: Context, topic: TopicState): PartitionState {
  const id = parsePartitionId(c.req.param('partition_id'))
  const state = id === undefined ? undefined : topic.partitions[id]
  if (state === undefined) throw unknownTopicOrPartition()
  return state
}

export function v3Json(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  c.header('Content-Type', MediaType.Json)
  return c.body(JSON.stringify(body), status)
}

/**
 * Lets only requests whose path ends with `suffix` through, 404 for the rest: hono reads a
 * custom method such as `:alter` in a path as a parameter, so the route alone would also take
 * `configs:anything`.
 */
export function literalSuffix(suffix: string): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.path.endsWith(suffix)) throw notFound()
    await next()
  }
}
