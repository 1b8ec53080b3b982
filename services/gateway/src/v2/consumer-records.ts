import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { parseLastEventId, recordEventStream, resumeAfter } from '../consumers/index.ts'
import type { GatewayContext } from '../context/index.ts'
import { badRequest, RestError, RestErrorCode } from '../errors/index.ts'
import { consumerRecordsType, MediaType, wantsEventStream } from '../media/index.ts'
import { errorResponses, ref } from '../openapi/index.ts'
import { integerQuery } from '../topics/index.ts'
import { instanceOf, instanceParams } from './consumer-shapes.ts'
import { consumerMedia, consumerTags } from './consumers.ts'

const recordsQuery = z.object({
  timeout: z
    .string()
    .optional()
    .openapi({
      param: { name: 'timeout', in: 'query' },
      type: 'integer',
      description:
        "The longest to wait for records, ms: at most the instance's consumer.request.timeout.ms (default 1000). With an event stream: the length of each poll round.",
    }),
  max_bytes: z
    .string()
    .optional()
    .openapi({
      param: { name: 'max_bytes', in: 'query' },
      type: 'integer',
      description:
        'The most bytes of keys and values (unencoded) to return; the first record always comes. Capped by the gateway (64 MiB).',
    }),
})

const lastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .optional()
    .openapi({
      param: { name: 'last-event-id', in: 'header' },
      description:
        'Event stream: resume after this record (<topic>:<partition>:<offset>); the other partitions go back to their committed offsets',
    }),
})

/** The v2 consumer records route: the long poll and the event stream. */
export function registerV2ConsumerRecords(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/consumers/{group}/instances/{instance}/records',
      tags: consumerTags,
      summary: "Read the instance's next records (long poll), or stream them (Server-Sent Events)",
      description:
        "Answers as soon as records are there (fetch.min.bytes worth, when the instance set it), or with [] once the wait is over. Accept picks the answer: the instance's embedded type (application/vnd.kafka.binary.v2+json or application/vnd.kafka.json.v2+json; also for application/vnd.kafka.v2+json, application/json, */* or no Accept), another format is 406/40601; text/event-stream streams the records as Server-Sent Events (one `record` event per record, id <topic>:<partition>:<offset>, a `: keep-alive` comment every 15 s, an `error` event and the end on failure; reconnecting with Last-Event-ID resumes after that record). Records carry timestamp and headers, as the partition read returns them. With auto.commit.enable (the default) what is returned is committed first: at-most-once.",
      request: { params: instanceParams, query: recordsQuery, headers: lastEventIdHeader },
      responses: {
        200: {
          description: 'The records, in partition order, then offset order',
          content: {
            [MediaType.V2Binary]: { schema: ref('V2RecordList') },
            [MediaType.V2Json]: { schema: ref('V2RecordList') },
            [MediaType.EventStream]: { schema: ref('EventStream') },
          },
        },
        ...errorResponses(consumerMedia, {
          400: 'timeout or max_bytes malformed (400); no committed offset and auto.offset.reset none (40002)',
          404: 'Consumer instance not found (40403)',
          406: "Accept names another embedded format than the instance's, or a record is not JSON for the json format (40601)",
          409: 'The instance neither subscribes nor has an assignment (40903)',
          500: 'The group coordinator or a partition leader could not be reached (50003, retriable)',
        }),
      },
    }),
    async (c) => {
      const accept = c.req.header('accept')
      const timeout = integerQuery(c.req.query('timeout'), 'timeout', { min: -1 })
      const maxBytes = integerQuery(c.req.query('max_bytes'), 'max_bytes', { min: -1 })
      const read = {
        ...instanceOf(c),
        timeoutMs: timeout === undefined || timeout < 0 ? undefined : timeout,
        maxBytes: maxBytes === undefined || maxBytes <= 0 ? undefined : maxBytes,
      }
      if (wantsEventStream(accept)) return eventStream(c, ctx, read)
      const first = await ctx.poller.poll(read.group, read.instance)
      const type = consumerRecordsType(accept, first.config.format)
      if (type === undefined) {
        throw new RestError(
          RestErrorCode.FormatMismatch,
          `The consumer instance's format is ${first.config.format}: read it with Accept: ${first.config.format === 'json' ? MediaType.V2Json : MediaType.V2Binary}`,
        )
      }
      const records = await ctx.poller.read({ ...read, signal: c.req.raw.signal }, first)
      c.header('Content-Type', type)
      return c.body(records.body, 200)
    },
  )
}

/**
 * The event stream. The instance is checked (and, on a reconnect, repositioned) before the
 * response starts, so an unknown instance is a plain 404, not an error event.
 */
async function eventStream(
  c: Context,
  ctx: GatewayContext,
  read: {
    group: string
    instance: string
    timeoutMs?: number | undefined
    maxBytes?: number | undefined
  },
): Promise<Response> {
  const header = c.req.header('last-event-id')
  const last = parseLastEventId(header)
  if (header !== undefined && header !== '' && last === undefined) {
    throw badRequest(
      `Last-Event-ID must be <topic>:<partition>:<offset>, got ${JSON.stringify(header)}`,
    )
  }
  let first = await ctx.poller.poll(read.group, read.instance)
  if (last !== undefined) {
    await resumeAfter(ctx.coordinator, first, { ...read, last })
    first = await ctx.poller.poll(read.group, read.instance)
  }
  const stream = recordEventStream({
    poller: ctx.poller,
    group: read.group,
    instance: read.instance,
    first,
    timeoutMs: read.timeoutMs,
    maxBytes: read.maxBytes,
    signal: AbortSignal.any([c.req.raw.signal, ctx.closing]),
    logger: ctx.logger,
  })
  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': `${MediaType.EventStream}; charset=utf-8`,
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    },
  })
}
