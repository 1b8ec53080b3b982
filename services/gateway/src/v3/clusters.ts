import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { notAcceptable } from '../errors/index.ts'
import { acceptsJson } from '../media/index.ts'
import { contentOf, errorResponses } from '../openapi/index.ts'
import { clusterLinks, clusterParams, json, originOf, v3Json } from './common.ts'
import { clusterData, Links } from './resources.ts'

const tags = ['v3 clusters']

export function registerV3Clusters(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters',
      tags,
      summary: 'List clusters: the one this gateway serves',
      responses: {
        200: {
          description: 'The cluster (none before the controller has named it)',
          content: contentOf(json, 'ClusterDataList'),
        },
        ...errorResponses(json, { 406: 'Accept rules out application/json' }),
      },
    }),
    (c) => {
      if (!acceptsJson(c.req.header('accept'))) throw notAcceptable()
      const origin = originOf(c, ctx)
      const clusterId = ctx.metadata.image.clusterId
      const data = clusterId === null ? [] : [clusterData(new Links(origin, clusterId))]
      const self = `${origin.replace(/\/+$/, '')}/v3/clusters`
      return v3Json(c, { kind: 'KafkaClusterList', metadata: { self, next: null }, data })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}',
      tags,
      summary: 'Get the cluster',
      request: { params: clusterParams },
      responses: {
        200: { description: 'The cluster', content: contentOf(json, 'ClusterData') },
        ...errorResponses(json, {
          404: 'Cluster X cannot be found (404)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => v3Json(c, clusterData(clusterLinks(c, ctx))),
  )
}
