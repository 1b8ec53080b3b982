import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import type { TopicPartition } from '@tributary/core'
import type { Context } from 'hono'
import type { GatewayContext } from '../context/index.ts'
import { unprocessable } from '../errors/index.ts'
import { readGetJson } from '../http/index.ts'
import { requireConsumerBody } from '../media/index.ts'
import { contentOf } from '../openapi/index.ts'
import {
  checkPartitions,
  commitSchema,
  consumerBody,
  consumerJson,
  consumerType,
  instanceOf,
  instanceParams,
  parseBody,
  partitionsSchema,
  positionsSchema,
  required,
} from './consumer-shapes.ts'
import {
  body415,
  consumerMedia,
  consumerRequestBody,
  consumerTags,
  instanceBase,
  instanceErrors,
} from './consumers.ts'

const notOwned = {
  409: 'The instance does not read one of these partitions now (40903): it is not assigned to it, or moved away',
}

const asyncQuery = z.object({
  async: z
    .string()
    .optional()
    .openapi({
      param: { name: 'async', in: 'query' },
      description: 'Accepted for compatibility; the commit is always answered once written',
    }),
})

/** The v2 consumer positions (seeks) and offsets (commit, committed) routes. */
export function registerV2ConsumerOffsets(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: `${instanceBase}/positions`,
      tags: consumerTags,
      summary: 'Seek: the offsets the next reads start at',
      request: { params: instanceParams, body: consumerRequestBody('V2ConsumerSeekRequest') },
      responses: {
        204: { description: 'Positions set' },
        ...instanceErrors({
          ...notOwned,
          ...body415,
          422: 'Invalid body, or timestamps (seeking by time is not supported yet)',
        }),
      },
    }),
    async (c) => {
      consumerType(c)
      const body = required(await consumerBody(c, ctx, positionsSchema))
      if ((body.timestamps?.length ?? 0) > 0) {
        throw unprocessable('Seeking by timestamp is not supported yet; seek by offset')
      }
      const positions = (body.offsets ?? []).map(({ topic, partition, offset }) => ({
        topic,
        partition,
        offset,
      }))
      await seek(ctx, c, positions)
      return c.body(null, 204)
    },
  )

  for (const [end, where] of [
    ['beginning', 'the first offset still stored'],
    ['end', 'the high watermark: only records produced from now on are read'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `${instanceBase}/positions/${end}`,
        tags: consumerTags,
        summary: `Seek to the ${end} of partitions`,
        description: `The next reads of these partitions start at ${where}.`,
        request: { params: instanceParams, body: consumerRequestBody('V2ConsumerPartitions') },
        responses: {
          204: { description: 'Positions set' },
          ...instanceErrors({
            404: 'Consumer instance (40403), topic (40401) or partition (40402) not found',
            ...notOwned,
            ...body415,
            422: 'Invalid body',
          }),
        },
      }),
      async (c) => {
        consumerType(c)
        const { partitions } = required(await consumerBody(c, ctx, partitionsSchema))
        checkPartitions(ctx, partitions)
        const positions = await Promise.all(
          partitions.map(async ({ topic, partition }) => {
            const offsets = await ctx.reader.offsets(topic, partition)
            return {
              topic,
              partition,
              offset: end === 'beginning' ? offsets.beginning : offsets.end,
            }
          }),
        )
        await seek(ctx, c, positions)
        return c.body(null, 204)
      },
    )
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: `${instanceBase}/offsets`,
      tags: consumerTags,
      summary: 'Commit offsets',
      description:
        "No body (or {}): commits, for every partition the instance reads, the position after the records it was last given. With offsets: each is the offset of the last record processed, and offset + 1 is committed (the REST Proxy's convention). A partition the instance does not read now is refused (409) and nothing is committed.",
      request: {
        params: instanceParams,
        query: asyncQuery,
        body: consumerRequestBody('V2ConsumerCommitRequest', false),
      },
      responses: {
        200: {
          description: 'Committed (an empty list, as the REST Proxy answers)',
          content: contentOf(consumerMedia, 'V2ConsumerCommitResponse'),
        },
        ...instanceErrors({ ...notOwned, ...body415, 422: 'Invalid body' }),
      },
    }),
    async (c) => {
      const type = consumerType(c)
      const body = await consumerBody(c, ctx, commitSchema.partial())
      const offsets =
        body?.offsets === undefined
          ? null
          : body.offsets.map(({ topic, partition, offset, metadata }) => ({
              topic,
              partition,
              offset: offset + 1,
              metadata: metadata ?? '',
            }))
      await ctx.coordinator.call({ op: 'commit', ...instanceOf(c), offsets })
      return consumerJson(c, type, [])
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${instanceBase}/offsets`,
      tags: consumerTags,
      summary: "The group's committed offsets",
      description:
        'A GET with a JSON body {partitions: [...]}, as the REST Proxy takes it; partitions never committed are left out. Offsets are the next to read (last processed + 1). Extension: without a body (which fetch() and browsers cannot send on a GET), every offset the group has committed.',
      request: { params: instanceParams, body: consumerRequestBody('V2ConsumerPartitions', false) },
      responses: {
        200: {
          description: 'The committed offsets',
          content: contentOf(consumerMedia, 'V2ConsumerCommittedOffsets'),
        },
        ...instanceErrors({ ...body415, 422: 'Invalid body' }),
      },
    }),
    async (c) => {
      const type = consumerType(c)
      requireConsumerBody(c.req.header('content-type'))
      const raw = await readGetJson(c, ctx.config.maxRequestBytes)
      const partitions: TopicPartition[] | null =
        raw === undefined
          ? null
          : parseBody(partitionsSchema, raw).partitions.map(({ topic, partition }) => ({
              topic,
              partition,
            }))
      const result = await ctx.coordinator.call({ op: 'committed', ...instanceOf(c), partitions })
      return consumerJson(c, type, {
        offsets: result.offsets.map(({ topic, partition, offset, metadata }) => ({
          topic,
          partition,
          offset,
          metadata,
        })),
      })
    },
  )
}

/** Moves positions; asked even with none, so an unknown instance is still 40403. */
async function seek(
  ctx: GatewayContext,
  c: Context,
  positions: { topic: string; partition: number; offset: number }[],
): Promise<void> {
  await ctx.coordinator.call({ op: 'seek', ...instanceOf(c), positions })
}
