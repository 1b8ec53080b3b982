import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { badRequest, notAcceptable } from '../errors/index.ts'
import { MediaType, recordsResponseFormat } from '../media/index.ts'
import { contentOf, errorResponses } from '../openapi/index.ts'
import { renderRecord } from '../records/index.ts'
import { integerQuery } from '../topics/index.ts'
import { v2PartitionOf, v2TopicOf } from './metadata.ts'
import { partitionParams } from './params.ts'

const readQuery = z.object({
  offset: z.string().openapi({
    param: { name: 'offset', in: 'query', required: true },
    type: 'integer',
    description: 'The first offset to read',
    example: '0',
  }),
  max_bytes: z
    .string()
    .optional()
    .openapi({
      param: { name: 'max_bytes', in: 'query' },
      type: 'integer',
      description:
        'A soft cap on the bytes returned (the first batch comes whole); default 1 MiB, capped by the gateway',
    }),
  timeout: z
    .string()
    .optional()
    .openapi({
      param: { name: 'timeout', in: 'query' },
      type: 'integer',
      description:
        'How long to wait, in ms, when there is no record at offset yet; default 1000, capped by the gateway',
    }),
})

export function registerV2Records(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/topics/{topic}/partitions/{partition}/records',
      tags: ['v2 records (extension)'],
      summary: 'Read a partition from an offset, without a consumer',
      description:
        "Redpanda HTTP Proxy's stateless partition read. Accept picks how keys and values are shown: application/vnd.kafka.binary.v2+json (base64, also the default for application/vnd.kafka.v2+json, application/json or */*) or application/vnd.kafka.json.v2+json (parsed JSON). Records carry timestamp (ms since the epoch) and headers as [{name, value}] with base64 values, the REST Proxy v3 produce encoding. Only records below the high watermark are returned; an empty array when none arrive within the timeout.",
      request: { params: partitionParams, query: readQuery },
      responses: {
        200: {
          description: 'The records from offset on, in order',
          content: contentOf([MediaType.V2Binary, MediaType.V2Json], 'V2RecordList'),
        },
        ...errorResponses([MediaType.V2], {
          400: 'offset missing or malformed (400), or out of range (40002)',
          404: 'Topic (40401) or partition (40402) not found',
          406: 'Accept names no readable embedded format (406), or a record is not JSON for the json format (40601)',
          500: 'The leader could not answer (50002, 50003 retriable)',
        }),
      },
    }),
    async (c) => {
      const accepted = recordsResponseFormat(c.req.header('accept'))
      if (accepted === undefined) throw notAcceptable()
      const topic = v2TopicOf(ctx, c.req.param('topic'))
      const { partition } = v2PartitionOf(topic, c.req.param('partition'))
      const offset = integerQuery(c.req.query('offset'), 'offset', { min: 0 })
      if (offset === undefined) throw badRequest('Query parameter offset is required')
      const maxBytes =
        integerQuery(c.req.query('max_bytes'), 'max_bytes', {
          min: 1,
          max: ctx.config.fetchMaxBytesLimit,
        }) ?? ctx.config.fetchMaxBytes
      const timeoutMs =
        integerQuery(c.req.query('timeout'), 'timeout', {
          min: 0,
          max: ctx.config.fetchTimeoutLimitMs,
        }) ?? ctx.config.fetchTimeoutMs
      const records = await ctx.reader.read({
        topic: topic.name,
        partition,
        offset,
        maxBytes,
        timeoutMs,
      })
      const body = records.map((record) =>
        renderRecord(topic.name, partition, record, accepted.format),
      )
      c.header('Content-Type', accepted.type)
      return c.body(JSON.stringify(body), 200)
    },
  )
}
