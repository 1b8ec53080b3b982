import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import type { GroupDescription } from '@tributary/core'
import type { GatewayContext } from '../context/index.ts'
import {
  RestError,
  RestErrorCode,
  unknownTopicOrPartition,
  unprocessable,
} from '../errors/index.ts'
import { readJson } from '../http/index.ts'
import { requireJsonBody } from '../media/index.ts'
import { contentOf, ref } from '../openapi/index.ts'
import { describeIssues, emptyBody } from '../records/index.ts'
import { clusterLinks, json, literalSuffix, v3Json } from './common.ts'
import { lagData, lagSummaryData, type PartitionLag } from './consumer-group-resources.ts'
import { describeGroup, groupErrors, groupParams } from './consumer-groups.ts'

const tags = ['v3 consumer groups']

const lagParams = groupParams.extend({
  topic_name: z.string().openapi({ param: { name: 'topic_name', in: 'path' }, example: 'orders' }),
  partition_id: z
    .string()
    .openapi({ param: { name: 'partition_id', in: 'path' }, type: 'integer', example: '0' }),
})

const resetSchema = z.object({
  topic_name: z.string().min(1),
  partition_id: z.number().int().min(0).nullable().optional(),
  to: z.enum(['earliest', 'latest', 'offset']),
  offset: z.number().int().min(0).nullable().optional(),
})

/**
 * The group's lag per partition it has committed or someone reads: committed offset against the
 * high watermark (asked of each partition's leader), in topic and partition order. A partition
 * of a topic deleted since is left out.
 */
async function lagsOf(ctx: GatewayContext, group: GroupDescription): Promise<PartitionLag[]> {
  const rows = new Map<
    string,
    { topic: string; partition: number; committed: number | null; owner: string | null }
  >()
  const key = (topic: string, partition: number) =>
    `${topic}\u0000${String(partition).padStart(10, '0')}`
  for (const { topic, partition, offset } of group.offsets) {
    rows.set(key(topic, partition), { topic, partition, committed: offset, owner: null })
  }
  for (const member of group.members) {
    for (const { topic, partition } of member.assignments) {
      const row = rows.get(key(topic, partition))
      if (row === undefined) {
        rows.set(key(topic, partition), {
          topic,
          partition,
          committed: null,
          owner: member.instance,
        })
      } else row.owner = member.instance
    }
  }
  const image = ctx.metadata.image
  const ordered = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row)
    .filter((row) => image.partition(row.topic, row.partition) !== undefined)
  return Promise.all(
    ordered.map(async (row) => ({
      ...row,
      logEndOffset: (await ctx.reader.offsets(row.topic, row.partition)).end,
    })),
  )
}

/** The v3 consumer lag routes and the offsets reset extension. */
export function registerV3ConsumerLags(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lags',
      tags,
      summary: "List a group's lag per partition",
      description:
        'One entry per partition the group has committed an offset for or reads now; current_offset and lag are null while nothing is committed.',
      request: { params: groupParams },
      responses: {
        200: { description: 'The lags', content: contentOf(json, 'ConsumerLagDataList') },
        ...groupErrors(),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      const data = (await lagsOf(ctx, group)).map((lag) => lagData(links, group.group, lag))
      return v3Json(
        c,
        links.collection(
          'KafkaConsumerLagList',
          links.url('consumer-groups', group.group, 'lags'),
          data,
        ),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lags/{topic_name}/partitions/{partition_id}',
      tags,
      summary: "Get a group's lag on one partition",
      request: { params: lagParams },
      responses: {
        200: { description: 'The lag', content: contentOf(json, 'ConsumerLagData') },
        ...groupErrors({
          404: 'Unknown cluster, consumer group, or no lag for the partition (404)',
        }),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      const topic = c.req.param('topic_name')
      const partition = c.req.param('partition_id')
      const lag = (await lagsOf(ctx, group)).find(
        (row) => row.topic === topic && String(row.partition) === partition,
      )
      if (lag === undefined) {
        throw new RestError(
          RestErrorCode.NotFound,
          `Consumer lag for ${topic}-${partition} in group ${group.group} cannot be found.`,
        )
      }
      return v3Json(c, lagData(links, group.group, lag))
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary',
      tags,
      summary: "A group's largest and total lag",
      request: { params: groupParams },
      responses: {
        200: {
          description: 'The summary (max_lag 0 and null relations when nothing is committed)',
          content: contentOf(json, 'ConsumerGroupLagSummaryData'),
        },
        ...groupErrors(),
      },
    }),
    async (c) => {
      const links = clusterLinks(c, ctx)
      const group = await describeGroup(ctx, c.req.param('consumer_group_id'))
      return v3Json(c, lagSummaryData(links, group.group, await lagsOf(ctx, group)))
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:reset',
      middleware: [literalSuffix('/offsets:reset')],
      tags,
      summary: "Reset a group's committed offsets (extension)",
      description:
        'Commits, for one partition of a topic or all of them, the earliest offset, the latest (the high watermark), or a given offset. Refused (409/40903) while the group has consumer instances that subscribe or have an assignment: delete them first. Like kafka-consumer-groups --reset-offsets.',
      request: {
        params: groupParams,
        body: {
          required: true,
          content: { [json[0] as string]: { schema: ref('ResetConsumerGroupOffsetsRequest') } },
        },
      },
      responses: {
        200: {
          description: 'The offsets committed',
          content: contentOf(json, 'ConsumerGroupOffsetList'),
        },
        ...groupErrors({
          400: 'Malformed JSON (400)',
          404: 'Unknown cluster (404), topic or partition (40403)',
          409: 'The group has members (40903)',
          415: 'Content-Type is not application/json',
          422: "Invalid body (422), e.g. to: 'offset' without an offset",
        }),
      },
    }),
    async (c) => {
      requireJsonBody(c.req.header('content-type'))
      const links = clusterLinks(c, ctx)
      const group = c.req.param('consumer_group_id')
      const raw = await readJson(c.req.raw, ctx.config.maxRequestBytes)
      if (raw === undefined) throw emptyBody()
      const parsed = resetSchema.safeParse(raw)
      if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
      const request = parsed.data
      const topic = ctx.metadata.image.topic(request.topic_name)
      if (topic === undefined) throw unknownTopicOrPartition()
      const partitions =
        request.partition_id === undefined || request.partition_id === null
          ? topic.partitions.map((state) => state.partition)
          : [request.partition_id]
      if (partitions.some((partition) => topic.partitions[partition] === undefined)) {
        throw unknownTopicOrPartition()
      }
      const target = request.offset ?? null
      if (request.to === 'offset' && target === null) {
        throw unprocessable("offset is required with to: 'offset'")
      }
      const offsets = await Promise.all(
        partitions.map(async (partition) => {
          if (request.to === 'offset')
            return { topic: topic.name, partition, offset: target as number }
          const ends = await ctx.reader.offsets(topic.name, partition)
          const offset = request.to === 'earliest' ? ends.beginning : ends.end
          return { topic: topic.name, partition, offset }
        }),
      )
      const { committed } = await ctx.coordinator.call({ op: 'resetOffsets', group, offsets })
      return v3Json(c, {
        kind: 'KafkaConsumerGroupOffsetList',
        metadata: { self: `${links.url('consumer-groups', group)}/offsets:reset`, next: null },
        data: committed.map(({ topic: name, partition, offset }) => ({
          topic_name: name,
          partition_id: partition,
          offset,
        })),
      })
    },
  )
}
