import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import {
  ErrorCode,
  type GroupDescription,
  type MemberDescription,
  TributaryError,
} from '@tributary/core'
import type { GatewayContext } from '../context/index.ts'
import { consumerGroupNotFound, RestError, RestErrorCode } from '../errors/index.ts'
import { contentOf, errorResponses } from '../openapi/index.ts'
import { clusterLinks, clusterParams, json, v3Json } from './common.ts'
import { assignmentData, consumerData, consumerGroupData } from './consumer-group-resources.ts'

const tags = ['v3 consumer groups']

/** The `{cluster_id}` and `{consumer_group_id}` path parameters. */
export const groupParams = clusterParams.extend({
  consumer_group_id: z
    .string()
    .openapi({ param: { name: 'consumer_group_id', in: 'path' }, example: 'billing' }),
})
const consumerParams = groupParams.extend({
  consumer_id: z
    .string()
    .openapi({ param: { name: 'consumer_id', in: 'path' }, example: 'billing-consumer-1' }),
})
const assignmentParams = consumerParams.extend({
  topic_name: z.string().openapi({ param: { name: 'topic_name', in: 'path' }, example: 'orders' }),
  partition_id: z
    .string()
    .openapi({ param: { name: 'partition_id', in: 'path' }, type: 'integer', example: '0' }),
})

/** Errors of every call on one group, plus `extra`. */
export function groupErrors(extra: Readonly<Record<number, string>> = {}) {
  return errorResponses(json, {
    404: 'Unknown cluster or consumer group (404)',
    406: 'Accept rules out application/json',
    500: 'A group coordinator could not be reached (50003, retriable)',
    ...extra,
  })
}

/** A group's description; 404 "Consumer group G cannot be found." when no coordinator knows it. */
export async function describeGroup(ctx: GatewayContext, group: string): Promise<GroupDescription> {
  try {
    return await ctx.coordinator.call({ op: 'describeGroup', group })
  } catch (error) {
    if (error instanceof TributaryError && error.code === ErrorCode.GroupIdNotFound) {
      throw consumerGroupNotFound(group)
    }
    throw error
  }
}

function memberOf(group: GroupDescription, id: string): MemberDescription {
  const member = group.members.find((candidate) => candidate.instance === id)
  if (member === undefined) {
    throw new RestError(RestErrorCode.NotFound, `Consumer ${id} cannot be found.`)
  }
  return member
}

/** The v3 consumer group, consumer and assignment routes. */
export function registerV3ConsumerGroups(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups',
      tags,
      summary: 'List consumer groups',
      description:
        'Every group a coordinator knows: groups with consumer instances or committed offsets.',
      request: { params: clusterParams },
      responses: {
        200: { description: 'The groups', content: contentOf(json, 'ConsumerGroupDataList') },
        ...errorResponses(json, {
          404: 'Unknown cluster (404)',
          406: 'Accept rules out application/json',
          500: 'A group coordinator could not be reached (50003, retriable)',
        }),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const listings = await ctx.coordinator.listGroups()
      const described = await Promise.all(
        listings.map(async (listing) => {
          try {
            return await ctx.coordinator.call({ op: 'describeGroup', group: listing.group })
          } catch (error) {
            // Gone between the listing and the description.
            if (error instanceof TributaryError && error.code === ErrorCode.GroupIdNotFound) {
              return undefined
            }
            throw error
          }
        }),
      )
      const data = described
        .filter((group) => group !== undefined)
        .map((group) => consumerGroupData(links, group, ctx.coordinator.coordinatorOf(group.group)))
      return v3Json(
        c,
        links.collection('KafkaConsumerGroupList', links.url('consumer-groups'), data),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}',
      tags,
      summary: 'Get a consumer group',
      request: { params: groupParams },
      responses: {
        200: { description: 'The group', content: contentOf(json, 'ConsumerGroupData') },
        ...groupErrors(),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      return v3Json(c, consumerGroupData(links, group, ctx.coordinator.coordinatorOf(group.group)))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers',
      tags,
      summary: "List a group's consumers",
      description: 'Its consumer instances that subscribe or have a manual assignment.',
      request: { params: groupParams },
      responses: {
        200: { description: 'The consumers', content: contentOf(json, 'ConsumerDataList') },
        ...groupErrors(),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      const data = group.members.map((member) => consumerData(links, group.group, member.instance))
      return v3Json(
        c,
        links.collection(
          'KafkaConsumerList',
          links.url('consumer-groups', group.group, 'consumers'),
          data,
        ),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers/{consumer_id}',
      tags,
      summary: 'Get a consumer',
      request: { params: consumerParams },
      responses: {
        200: { description: 'The consumer', content: contentOf(json, 'ConsumerData') },
        ...groupErrors({ 404: 'Unknown cluster, consumer group or consumer (404)' }),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      const member = memberOf(group, c.req.param('consumer_id'))
      return v3Json(c, consumerData(links, group.group, member.instance))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers/{consumer_id}/assignments',
      tags,
      summary: "List a consumer's assigned partitions",
      request: { params: consumerParams },
      responses: {
        200: {
          description: 'Its partitions',
          content: contentOf(json, 'ConsumerAssignmentDataList'),
        },
        ...groupErrors({ 404: 'Unknown cluster, consumer group or consumer (404)' }),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      const member = memberOf(group, c.req.param('consumer_id'))
      const data = member.assignments.map((tp) =>
        assignmentData(links, group.group, member.instance, tp),
      )
      const self = links.url(
        'consumer-groups',
        group.group,
        'consumers',
        member.instance,
        'assignments',
      )
      return v3Json(c, links.collection('KafkaConsumerAssignmentList', self, data))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers/{consumer_id}/assignments/{topic_name}/partitions/{partition_id}',
      tags,
      summary: "Get one of a consumer's assigned partitions",
      request: { params: assignmentParams },
      responses: {
        200: { description: 'The assignment', content: contentOf(json, 'ConsumerAssignmentData') },
        ...groupErrors({
          404: 'Unknown cluster, consumer group, consumer or assignment (404)',
        }),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      const member = memberOf(group, c.req.param('consumer_id'))
      const topic = c.req.param('topic_name')
      const partition = c.req.param('partition_id')
      const tp = member.assignments.find(
        (candidate) => candidate.topic === topic && String(candidate.partition) === partition,
      )
      if (tp === undefined) {
        throw new RestError(
          RestErrorCode.NotFound,
          `Consumer assignment ${topic}-${partition} cannot be found.`,
        )
      }
      return v3Json(c, assignmentData(links, group.group, member.instance, tp))
    },
  )
}
