import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute } from '@hono/zod-openapi'
import type { TopicState } from '@tributary/core'
import type { Context } from 'hono'
import type { GatewayContext } from '../context/index.ts'
import { partitionNotFound, RestError, RestErrorCode, recordErrorCodeOf } from '../errors/index.ts'
import { parseJson, readBody } from '../http/index.ts'
import { MediaType, produceFormat } from '../media/index.ts'
import { contentOf, errorResponses, ref } from '../openapi/index.ts'
import type { Delivery } from '../produce/index.ts'
import { type ProduceRecord, parseV2Records } from '../records/index.ts'
import { acksParam, asyncFlag, refuseInternalProduce } from '../topics/index.ts'
import { v2PartitionOf, v2TopicOf } from './metadata.ts'
import { partitionParams, produceQuery, topicParams } from './params.ts'
import { v2Json, v2Type } from './respond.ts'

const v2 = [MediaType.V2]
const tags = ['v2 produce']

const body = {
  required: true,
  content: {
    [MediaType.V2Binary]: { schema: ref('V2BinaryProduceRequest') },
    [MediaType.V2Json]: { schema: ref('V2JsonProduceRequest') },
  },
}

const responses = {
  200: {
    description:
      'One entry per record, in request order. The status stays 200 when records fail: a failed record has partition and offset null and error_code 50003 (retriable) or 50002. With acks=0 a record sent has its partition and a null offset: the leader confirms nothing.',
    content: contentOf(v2, 'V2ProduceResponse'),
  },
  202: {
    description: 'async=true: accepted by the gateway; partitions chosen, offsets null',
    content: contentOf(v2, 'V2ProduceResponse'),
  },
  ...errorResponses(v2, {
    400: 'Malformed JSON or query parameter (400, e.g. acks=2); produce to an internal topic (40002)',
    404: 'Topic (40401) or partition (40402) not found',
    406: 'The Accept header rules out application/vnd.kafka.v2+json',
    413: 'Body too large',
    415: 'Content-Type is not the binary or json embedded format',
    422: 'Invalid body (422, e.g. records may not be empty) or bad base64 (42207)',
    429: 'async=true while the async buffer is full',
  }),
}

export function registerV2Produce(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/topics/{topic}',
      tags,
      summary: 'Produce records to a topic',
      description:
        'Each record goes to the partition it names, else to murmur2(key) mod partitions (as Kafka clients do), else round robin.',
      request: { params: topicParams, query: produceQuery, body },
      responses,
    }),
    (c) => produce(c, ctx, undefined),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/topics/{topic}/partitions/{partition}',
      tags,
      summary: 'Produce records to a partition',
      description: "Every record goes to the path's partition unless it names its own.",
      request: { params: partitionParams, query: produceQuery, body },
      responses,
    }),
    (c) => produce(c, ctx, c.req.param('partition')),
  )
}

async function produce(
  c: Context,
  ctx: GatewayContext,
  rawPartition: string | undefined,
): Promise<Response> {
  const format = produceFormat(c.req.header('content-type'))
  const type = v2Type(c)
  const async = asyncFlag(c.req.query('async'))
  const acks = acksParam(c.req.query('acks'), ctx.config.acks)
  const body = parseJson(await readBody(c.req.raw, ctx.config.maxRequestBytes))
  const parsed = parseV2Records(body, format)
  const topic = v2TopicOf(ctx, c.req.param('topic') ?? '')
  refuseInternalProduce(topic.name)
  const pathPartition =
    rawPartition === undefined ? undefined : v2PartitionOf(topic, rawPartition).partition
  const records = withPartitions(topic, parsed, pathPartition)
  if (async) {
    const deliveries = ctx.producer.produceAsync(topic, records, acks)
    if (deliveries === undefined) {
      throw new RestError(
        RestErrorCode.TooManyRequests,
        'The async produce buffer is full; retry later or produce synchronously',
      )
    }
    return v2Json(c, response(deliveries.map((delivery) => accepted(delivery))), 202, type)
  }
  const deliveries = ctx.producer.produce(topic, records, acks)
  const offsets = await Promise.all(deliveries.map(async (delivery) => settled(ctx, delivery)))
  return v2Json(c, response(offsets), 200, type)
}

/** Applies the path's partition to records that name none, and checks those that do. */
function withPartitions(
  topic: TopicState,
  records: readonly ProduceRecord[],
  pathPartition: number | undefined,
): ProduceRecord[] {
  return records.map((record) => {
    const partition = record.partition ?? pathPartition
    if (partition !== undefined && partition >= topic.partitions.length) throw partitionNotFound()
    return partition === record.partition ? record : { ...record, partition }
  })
}

interface PartitionOffset {
  partition: number | null
  offset: number | null
  error_code: number | null
  error: string | null
}

function response(offsets: readonly PartitionOffset[]) {
  return { key_schema_id: null, value_schema_id: null, offsets }
}

function accepted(delivery: Delivery): PartitionOffset {
  return { partition: delivery.partition, offset: null, error_code: null, error: null }
}

async function settled(ctx: GatewayContext, delivery: Delivery): Promise<PartitionOffset> {
  const outcome = await delivery.outcome
  if (outcome.ok) {
    return { partition: delivery.partition, offset: outcome.offset, error_code: null, error: null }
  }
  const errorCode = recordErrorCodeOf(outcome.error)
  ctx.metrics.recordErrors.inc({ error_code: String(errorCode) })
  return { partition: null, offset: null, error_code: errorCode, error: outcome.error.message }
}
