import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import type { Acks, TopicState } from '@tributary/core'
import type { Context } from 'hono'
import type { GatewayContext } from '../context/index.ts'
import {
  isUnexpected,
  malformedJson,
  RestError,
  RestErrorCode,
  restErrorCodeOf,
  toRestError,
  unknownTopicOrPartition,
} from '../errors/index.ts'
import { MediaType, requireJsonBody } from '../media/index.ts'
import { contentOf, errorResponses, named, ref } from '../openapi/index.ts'
import { ACKS_NAMES } from '../produce/index.ts'
import {
  type DataInfo,
  emptyBody,
  parseV3Record,
  v3ProduceRequestSchema,
} from '../records/index.ts'
import { JsonStreamError, jsonObjects, OrderedJsonWriter } from '../streaming/index.ts'
import { acksParam, asyncFlag, refuseInternalProduce } from '../topics/index.ts'
import { clusterLinks, json, topicParams, v3TopicOf } from './common.ts'

named('ProduceRequest', v3ProduceRequestSchema)
named(
  'ProduceResponse',
  z.object({
    error_code: z.number().int().openapi({
      description:
        '200 written (with acks=0: sent to the leader, offset null); 202 accepted (async); otherwise the failure code and a message',
    }),
    message: z.string().optional(),
    cluster_id: z.string().optional(),
    topic_name: z.string().optional(),
    partition_id: z.number().int().optional(),
    offset: z.number().int().nullable().optional(),
    timestamp: z.string().optional().openapi({ description: 'RFC 3339' }),
    key: z.object({ type: z.string(), size: z.number().int() }).optional(),
    value: z.object({ type: z.string(), size: z.number().int() }).optional(),
  }),
)

/** Delivery reports not yet written before the gateway stops reading a streamed request. */
const MAX_PENDING_REPORTS = 10_000

const produceQuery = z.object({
  async: z
    .string()
    .optional()
    .openapi({
      param: { name: 'async', in: 'query' },
      type: 'boolean',
      description:
        'true: report each record as soon as the gateway has accepted it (error_code 202, offset null), before the broker has it. At-most-once.',
    }),
  acks: z
    .string()
    .optional()
    .openapi({
      param: { name: 'acks', in: 'query' },
      enum: [...ACKS_NAMES],
      description:
        "Extension, for every record of the request: the replicas that must have a record before its report. all (or -1): every in-sync replica, and only while there are at least min.insync.replicas of them; 1: the leader alone; 0: none, the report (error_code 200, offset null) comes once the record is sent to the leader, which confirms nothing, so a record it refuses is lost unseen. Default: the gateway's --acks, all unless set.",
    }),
})

interface Report {
  readonly error_code: number
  readonly [field: string]: unknown
}

export function registerV3Produce(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/records',
      tags: ['v3 produce'],
      summary: 'Produce records, one or a stream of them',
      description:
        'The body is one record, or many concatenated (or a JSON array of them), sent with chunked encoding if you like: each is parsed as its bytes arrive and answered with one delivery report, in request order, written as soon as it completes; reports are separated by \\r\\n. Once the first record has been read the status is 200 and a failure is a report {error_code, message}: 422 invalid record, 42206 schema type, 42207 bad base64, 40403 unknown partition, 50002, 50003 retriable. A record that is not valid JSON gets a 400 report and the stream goes on; a stream whose structure breaks (anything but whitespace between records, an unclosed record) ends with a 400 report, 413 for a record larger than the gateway accepts. A first record that is not JSON is a plain 400 response.',
      request: {
        params: topicParams,
        query: produceQuery,
        body: { required: true, content: { [MediaType.Json]: { schema: ref('ProduceRequest') } } },
      },
      responses: {
        200: {
          description: 'One delivery report per record, in order',
          content: contentOf(json, 'ProduceResponse'),
        },
        ...errorResponses(json, {
          400: 'The first record is malformed JSON, or a query parameter is bad (400, e.g. acks=2); produce to an internal topic (40002)',
          404: 'Unknown cluster (404) or topic (40403)',
          406: 'Accept rules out application/json',
          413: 'A record larger than the gateway accepts',
          415: 'Content-Type is not application/json',
          422: 'Empty body',
        }),
      },
    }),
    (c) => produce(c, ctx),
  )
}

async function produce(c: Context, ctx: GatewayContext): Promise<Response> {
  requireJsonBody(c.req.header('content-type'))
  const links = clusterLinks(c, ctx)
  const async = asyncFlag(c.req.query('async'))
  const acks = acksParam(c.req.query('acks'), ctx.config.acks)
  const topicName = v3TopicOf(c, ctx).name
  refuseInternalProduce(topicName)
  const objects = jsonObjects(c.req.raw.body, ctx.config.maxRequestBytes)
  let first: IteratorResult<Uint8Array>
  try {
    first = await objects.next()
  } catch (error) {
    throw streamError(error)
  }
  if (first.done === true) throw emptyBody()
  // A first record that is not JSON is answered with a plain 400; later ones with a report.
  const firstBody = parse(first.value)
  const record = (bytes: Uint8Array): Promise<Report> => {
    let body: unknown
    try {
      body = parse(bytes)
    } catch (error) {
      return Promise.resolve(report(ctx, error))
    }
    return produceOne(ctx, links.clusterId, topicName, body, { async, acks })
  }
  const writer = new OrderedJsonWriter(MAX_PENDING_REPORTS)
  writer.push(produceOne(ctx, links.clusterId, topicName, firstBody, { async, acks }))
  void (async () => {
    try {
      for (;;) {
        await writer.room()
        if (writer.cancelled) break
        const next = await objects.next()
        if (next.done === true) break
        writer.push(record(next.value))
      }
    } catch (error) {
      writer.push(Promise.resolve(report(ctx, streamError(error))))
    } finally {
      if (writer.cancelled) await objects.return(undefined)
      await writer.close()
    }
  })()
  c.header('Content-Type', MediaType.Json)
  return c.body(writer.stream, 200)
}

const decoder = new TextDecoder('utf-8', { fatal: true })

function parse(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw malformedJson('A record is not valid UTF-8')
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw malformedJson(`Malformed JSON: ${(error as Error).message}`)
  }
}

/** A stream that stopped making sense: 413 for an oversized record, else 400. */
function streamError(error: unknown): RestError {
  if (error instanceof JsonStreamError) {
    const code =
      error.kind === 'too-large' ? RestErrorCode.PayloadTooLarge : RestErrorCode.BadRequest
    return new RestError(code, error.message)
  }
  return toRestError(error)
}

/** An error as a delivery report. */
function report(ctx: GatewayContext, error: unknown): Report {
  if (isUnexpected(error)) ctx.logger.error({ err: error }, 'a streamed record failed')
  const rest = toRestError(error)
  return { error_code: rest.errorCode, message: rest.message }
}

/** Produces one record and resolves with its delivery report; never rejects. */
async function produceOne(
  ctx: GatewayContext,
  clusterId: string,
  topicName: string,
  body: unknown,
  { async, acks }: { async: boolean; acks: Acks },
): Promise<Report> {
  try {
    const parsed = parseV3Record(body)
    const topic: TopicState | undefined = ctx.metadata.image.topic(topicName)
    if (topic === undefined) throw unknownTopicOrPartition()
    const partition = parsed.record.partition
    if (partition !== undefined && partition >= topic.partitions.length)
      throw unknownTopicOrPartition()
    const base = (partitionId: number, offset: number | null, timestamp: number) => ({
      cluster_id: clusterId,
      topic_name: topicName,
      partition_id: partitionId,
      offset,
      timestamp: new Date(timestamp).toISOString(),
      ...info('key', parsed.key),
      ...info('value', parsed.value),
    })
    if (async) {
      const deliveries = ctx.producer.produceAsync(topic, [parsed.record], acks)
      const delivery = deliveries?.[0]
      if (delivery === undefined) {
        throw new RestError(
          RestErrorCode.TooManyRequests,
          'The async produce buffer is full; retry later',
        )
      }
      return {
        error_code: 202,
        ...base(delivery.partition, null, parsed.record.timestamp ?? Date.now()),
      }
    }
    const [delivery] = ctx.producer.produce(topic, [parsed.record], acks)
    if (delivery === undefined) throw new Error('no delivery for a record')
    const outcome = await delivery.outcome
    if (!outcome.ok) {
      const errorCode = restErrorCodeOf(outcome.error)
      ctx.metrics.recordErrors.inc({ error_code: String(errorCode) })
      return { error_code: errorCode, message: outcome.error.message }
    }
    return { error_code: 200, ...base(delivery.partition, outcome.offset, outcome.timestamp) }
  } catch (error) {
    return report(ctx, error)
  }
}

function info(field: 'key' | 'value', data: DataInfo | undefined): Record<string, DataInfo> {
  return data === undefined ? {} : { [field]: { type: data.type, size: data.size } }
}
