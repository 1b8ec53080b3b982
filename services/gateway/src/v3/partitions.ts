import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { contentOf, errorResponses } from '../openapi/index.ts'
import {
  clusterLinks,
  json,
  partitionParams,
  topicParams,
  v3Json,
  v3PartitionOf,
  v3TopicOf,
} from './common.ts'
import { partitionData } from './resources.ts'

const tags = ['v3 partitions']

export function registerV3Partitions(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions',
      tags,
      summary: "List a topic's partitions",
      request: { params: topicParams },
      responses: {
        200: { description: 'The partitions', content: contentOf(json, 'PartitionDataList') },
        ...errorResponses(json, {
          404: 'Unknown cluster (404) or topic (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const data = topic.partitions.map((state) => partitionData(links, topic.name, state))
      return v3Json(
        c,
        links.collection('KafkaPartitionList', links.url('topics', topic.name, 'partitions'), data),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}',
      tags,
      summary: 'Get a partition',
      request: { params: partitionParams },
      responses: {
        200: { description: 'The partition', content: contentOf(json, 'PartitionData') },
        ...errorResponses(json, {
          404: 'Unknown cluster (404), topic or partition (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      return v3Json(c, partitionData(links, topic.name, v3PartitionOf(c, topic)))
    },
  )
}
