import { z } from '@hono/zod-openapi'
import type { GroupDescription, TopicPartition } from '@tributary/core'
import { named } from '../openapi/index.ts'
import type { Links } from './resources.ts'

/**
 * The v3 consumer-group resources, as the REST Proxy writes them (KafkaConsumerGroup,
 * KafkaConsumer, KafkaConsumerAssignment, KafkaConsumerLag, KafkaConsumerGroupLagSummary). A
 * consumer instance is the consumer: its consumer_id, instance_id and client_id are all the
 * instance id.
 */

const relationship = z.object({ related: z.string() })
const resourceMetadata = z.object({ self: z.string(), resource_name: z.string() })
const collectionMetadata = z.object({ self: z.string(), next: z.string().nullable() })
const list = (kind: string, item: z.ZodType) =>
  z.object({ kind: z.literal(kind), metadata: collectionMetadata, data: z.array(item) })

const consumerGroupSchema = named(
  'ConsumerGroupData',
  z.object({
    kind: z.literal('KafkaConsumerGroup'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    consumer_group_id: z.string(),
    is_simple: z.boolean(),
    partition_assignor: z.string().openapi({ description: 'range, roundrobin or sticky' }),
    state: z.enum(['EMPTY', 'ASSIGNING', 'RECONCILING', 'STABLE', 'DEAD']),
    type: z.literal('CONSUMER'),
    is_mixed_consumer_group: z.boolean(),
    coordinator: relationship
      .nullable()
      .openapi({ description: 'The broker leading the group’s __consumer_offsets partition' }),
    consumers: relationship,
    lag_summary: relationship,
  }),
)

const consumerSchema = named(
  'ConsumerData',
  z.object({
    kind: z.literal('KafkaConsumer'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    consumer_group_id: z.string(),
    consumer_id: z.string(),
    instance_id: z.string().nullable(),
    client_id: z.string(),
    assignments: relationship,
  }),
)

const assignmentSchema = named(
  'ConsumerAssignmentData',
  z.object({
    kind: z.literal('KafkaConsumerAssignment'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    consumer_group_id: z.string(),
    consumer_id: z.string(),
    topic_name: z.string(),
    partition_id: z.number().int(),
    partition: relationship,
    lag: relationship,
  }),
)

const lagSchema = named(
  'ConsumerLagData',
  z.object({
    kind: z.literal('KafkaConsumerLag'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    consumer_group_id: z.string(),
    topic_name: z.string(),
    partition_id: z.number().int(),
    current_offset: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The committed offset; null while the group has committed none' }),
    log_end_offset: z.number().int().openapi({ description: 'The high watermark' }),
    lag: z.number().int().nullable().openapi({ description: 'null while nothing is committed' }),
    consumer_id: z.string().openapi({ description: 'The instance reading it; "" when none' }),
    instance_id: z.string().nullable(),
    client_id: z.string(),
  }),
)

named(
  'ConsumerGroupLagSummaryData',
  z.object({
    kind: z.literal('KafkaConsumerGroupLagSummary'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    consumer_group_id: z.string(),
    max_lag_consumer_id: z.string(),
    max_lag_instance_id: z.string().nullable(),
    max_lag_client_id: z.string(),
    max_lag_topic_name: z.string(),
    max_lag_partition_id: z.number().int(),
    max_lag: z.number().int(),
    total_lag: z.number().int(),
    max_lag_consumer: relationship.nullable(),
    max_lag_partition: relationship.nullable(),
  }),
)

named('ConsumerGroupDataList', list('KafkaConsumerGroupList', consumerGroupSchema))
named('ConsumerDataList', list('KafkaConsumerList', consumerSchema))
named('ConsumerAssignmentDataList', list('KafkaConsumerAssignmentList', assignmentSchema))
named('ConsumerLagDataList', list('KafkaConsumerLagList', lagSchema))

named(
  'ResetConsumerGroupOffsetsRequest',
  z.object({
    topic_name: z.string(),
    partition_id: z
      .number()
      .int()
      .nullable()
      .optional()
      .openapi({ description: 'Absent: every partition of the topic' }),
    to: z.enum(['earliest', 'latest', 'offset']),
    offset: z.number().int().nullable().optional().openapi({ description: "With to: 'offset'" }),
  }),
)
named(
  'ConsumerGroupOffsetList',
  z.object({
    kind: z.literal('KafkaConsumerGroupOffsetList'),
    metadata: collectionMetadata,
    data: z.array(
      z.object({
        topic_name: z.string(),
        partition_id: z.number().int(),
        offset: z.number().int().openapi({ description: 'The committed offset: the next to read' }),
      }),
    ),
  }),
)

/** One partition's lag: the committed offset against the high watermark, and who reads it. */
export interface PartitionLag extends TopicPartition {
  readonly committed: number | null
  readonly logEndOffset: number
  readonly owner: string | null
}

/** A KafkaConsumerGroup; `coordinator` is the broker id coordinating it now, if any. */
export function consumerGroupData(
  links: Links,
  group: GroupDescription,
  coordinator: number | undefined,
) {
  const name = group.group
  return {
    kind: 'KafkaConsumerGroup' as const,
    metadata: {
      self: links.url('consumer-groups', name),
      resource_name: links.crn(['consumer-group', name]),
    },
    cluster_id: links.clusterId,
    consumer_group_id: name,
    is_simple: false,
    partition_assignor: group.assignor,
    state: group.state,
    type: 'CONSUMER' as const,
    is_mixed_consumer_group: false,
    coordinator: coordinator === undefined ? null : links.related('brokers', coordinator),
    consumers: links.related('consumer-groups', name, 'consumers'),
    lag_summary: links.related('consumer-groups', name, 'lag-summary'),
  }
}

/** A KafkaConsumer: a consumer instance of the group. */
export function consumerData(links: Links, group: string, instance: string) {
  return {
    kind: 'KafkaConsumer' as const,
    metadata: {
      self: links.url('consumer-groups', group, 'consumers', instance),
      resource_name: links.crn(['consumer-group', group], ['consumer', instance]),
    },
    cluster_id: links.clusterId,
    consumer_group_id: group,
    consumer_id: instance,
    instance_id: instance,
    client_id: instance,
    assignments: links.related('consumer-groups', group, 'consumers', instance, 'assignments'),
  }
}

/** A KafkaConsumerAssignment: one partition a consumer reads. */
export function assignmentData(links: Links, group: string, instance: string, tp: TopicPartition) {
  const { topic, partition } = tp
  return {
    kind: 'KafkaConsumerAssignment' as const,
    metadata: {
      self: links.url(
        'consumer-groups',
        group,
        'consumers',
        instance,
        'assignments',
        topic,
        'partitions',
        partition,
      ),
      resource_name: links.crn(
        ['consumer-group', group],
        ['consumer', instance],
        ['assignment', topic],
        ['partition', partition],
      ),
    },
    cluster_id: links.clusterId,
    consumer_group_id: group,
    consumer_id: instance,
    topic_name: topic,
    partition_id: partition,
    partition: links.related('topics', topic, 'partitions', partition),
    lag: links.related('consumer-groups', group, 'lags', topic, 'partitions', partition),
  }
}

/** A KafkaConsumerLag: one partition's committed offset against its high watermark. */
export function lagData(links: Links, group: string, lag: PartitionLag) {
  const { topic, partition } = lag
  return {
    kind: 'KafkaConsumerLag' as const,
    metadata: {
      self: links.url('consumer-groups', group, 'lags', topic, 'partitions', partition),
      resource_name: links.crn(['consumer-group', group], ['lag', topic], ['partition', partition]),
    },
    cluster_id: links.clusterId,
    consumer_group_id: group,
    topic_name: topic,
    partition_id: partition,
    current_offset: lag.committed,
    log_end_offset: lag.logEndOffset,
    lag: lagOf(lag),
    consumer_id: lag.owner ?? '',
    instance_id: lag.owner,
    client_id: lag.owner ?? '',
  }
}

/** The summary: the partition furthest behind (the first such, in order) and the total. */
export function lagSummaryData(links: Links, group: string, lags: readonly PartitionLag[]) {
  let max: PartitionLag | undefined
  let total = 0
  for (const lag of lags) {
    const value = lagOf(lag)
    if (value === null) continue
    total += value
    if (max === undefined || value > (lagOf(max) ?? 0)) max = lag
  }
  return {
    kind: 'KafkaConsumerGroupLagSummary' as const,
    metadata: {
      self: links.url('consumer-groups', group, 'lag-summary'),
      resource_name: `${links.crn(['consumer-group', group])}/lag-summary`,
    },
    cluster_id: links.clusterId,
    consumer_group_id: group,
    max_lag_consumer_id: max?.owner ?? '',
    max_lag_instance_id: max?.owner ?? null,
    max_lag_client_id: max?.owner ?? '',
    max_lag_topic_name: max?.topic ?? '',
    max_lag_partition_id: max?.partition ?? 0,
    max_lag: max === undefined ? 0 : (lagOf(max) ?? 0),
    total_lag: total,
    max_lag_consumer:
      max?.owner === null || max === undefined
        ? null
        : links.related('consumer-groups', group, 'consumers', max.owner),
    max_lag_partition:
      max === undefined ? null : links.related('topics', max.topic, 'partitions', max.partition),
  }
}

function lagOf(lag: PartitionLag): number | null {
  return lag.committed === null ? null : Math.max(0, lag.logEndOffset - lag.committed)
}
