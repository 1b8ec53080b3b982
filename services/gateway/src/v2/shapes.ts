import { z } from '@hono/zod-openapi'
import type { PartitionState, TopicState } from '@tributary/core'
import { named } from '../openapi/index.ts'
import {
  consumedRecordSchema,
  v2BinaryProduceRequestSchema,
  v2JsonProduceRequestSchema,
} from '../records/index.ts'
import { topicConfigEntries } from '../topics/index.ts'

/** The v2 API's JSON shapes, as the REST Proxy's v2 entities write them. */

export const v2PartitionSchema = named(
  'V2Partition',
  z.object({
    partition: z.number().int(),
    leader: z.number().int().openapi({ description: 'The leader broker, -1 when offline' }),
    replicas: z.array(
      z.object({ broker: z.number().int(), leader: z.boolean(), in_sync: z.boolean() }),
    ),
  }),
)

export const v2TopicSchema = named(
  'V2Topic',
  z.object({
    name: z.string(),
    configs: z.record(z.string(), z.string()).openapi({
      description:
        'Every topic config at its effective value: the topic override, else the cluster-wide value, else the default',
    }),
    partitions: z.array(v2PartitionSchema),
  }),
)

export const v2TopicListSchema = named('V2TopicList', z.array(z.string()))
export const v2PartitionListSchema = named('V2PartitionList', z.array(v2PartitionSchema))

export const v2OffsetsSchema = named(
  'V2PartitionOffsets',
  z.object({ beginning_offset: z.number().int(), end_offset: z.number().int() }),
)

export const v2ProduceResponseSchema = named(
  'V2ProduceResponse',
  z.object({
    key_schema_id: z.number().int().nullable(),
    value_schema_id: z.number().int().nullable(),
    offsets: z.array(
      z.object({
        partition: z.number().int().nullable(),
        offset: z
          .number()
          .int()
          .nullable()
          .openapi({ description: 'null on failure, and for an async produce' }),
        error_code: z
          .number()
          .int()
          .nullable()
          .openapi({ description: '50003 retriable Kafka error, 50002 other Kafka error' }),
        error: z.string().nullable(),
      }),
    ),
  }),
)

export const v2RecordListSchema = named('V2RecordList', z.array(consumedRecordSchema))
named('V2BinaryProduceRequest', v2BinaryProduceRequestSchema)
named('V2JsonProduceRequest', v2JsonProduceRequestSchema)
named('EmptyObject', z.object({}))

export function v2Partition(state: PartitionState) {
  return {
    partition: state.partition,
    leader: state.leader,
    replicas: state.replicas.map((broker) => ({
      broker,
      leader: broker === state.leader,
      in_sync: state.isr.includes(broker),
    })),
  }
}

/** A topic with its effective configs: its overrides over the cluster's over Kafka's defaults. */
export function v2Topic(topic: TopicState, clusterConfigs: Readonly<Record<string, string>>) {
  return {
    name: topic.name,
    configs: Object.fromEntries(
      topicConfigEntries(topic, clusterConfigs).map((entry) => [entry.name, entry.value]),
    ),
    partitions: topic.partitions.map(v2Partition),
  }
}
