import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { notFound, RestError, RestErrorCode } from '../errors/index.ts'
import { contentOf, errorResponses } from '../openapi/index.ts'
import { parseBrokerId } from '../topics/index.ts'
import {
  brokerParams,
  clusterLinks,
  json,
  partitionParams,
  replicaParams,
  v3Json,
  v3PartitionOf,
  v3TopicOf,
} from './common.ts'
import { replicaData } from './resources.ts'

const tags = ['v3 replicas']

/**
 * A partition's replicas as the gateway's metadata image holds them: one per assigned broker, in
 * assignment order (the first is the preferred leader), with whether it leads and whether it is
 * in the ISR. The image can trail the controller by the time a metadata record takes to arrive.
 */
export function registerV3Replicas(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/replicas',
      tags,
      summary: "List a partition's replicas",
      request: { params: partitionParams },
      responses: {
        200: {
          description: 'The replicas, in assignment order',
          content: contentOf(json, 'ReplicaDataList'),
        },
        ...errorResponses(json, {
          404: 'Unknown cluster (404), topic or partition (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const state = v3PartitionOf(c, topic)
      const data = state.replicas.map((broker) => replicaData(links, topic.name, state, broker))
      const self = links.url('topics', topic.name, 'partitions', state.partition, 'replicas')
      return v3Json(c, links.collection('KafkaReplicaList', self, data))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/replicas/{broker_id}',
      tags,
      summary: 'Get the replica of a partition on one broker',
      request: { params: replicaParams },
      responses: {
        200: { description: 'The replica', content: contentOf(json, 'ReplicaData') },
        ...errorResponses(json, {
          404: 'Unknown cluster or no replica on that broker (404), unknown topic or partition (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const state = v3PartitionOf(c, topic)
      const broker = parseBrokerId(c.req.param('broker_id'))
      if (broker === undefined || !state.replicas.includes(broker)) throw notFound()
      return v3Json(c, replicaData(links, topic.name, state, broker))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/brokers/{broker_id}/partition-replicas',
      tags,
      summary: 'List the replicas a broker hosts',
      description:
        'Every partition assigned to the broker, internal topics included, by topic name then partition.',
      request: { params: brokerParams },
      responses: {
        200: { description: 'The replicas', content: contentOf(json, 'ReplicaDataList') },
        ...errorResponses(json, {
          404: 'Unknown cluster or broker (404)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const broker = parseBrokerId(c.req.param('broker_id'))
      if (broker === undefined) throw notFound()
      const image = ctx.metadata.image
      if (image.broker(broker) === undefined) {
        throw new RestError(RestErrorCode.NotFound, `Broker ${broker} cannot be found.`)
      }
      const data = image.topics.flatMap((topic) =>
        topic.partitions
          .filter((state) => state.replicas.includes(broker))
          .map((state) => replicaData(links, topic.name, state, broker)),
      )
      const self = links.url('brokers', broker, 'partition-replicas')
      return v3Json(c, links.collection('KafkaReplicaList', self, data))
    },
  )
}
