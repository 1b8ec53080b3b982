import { z } from '@hono/zod-openapi'
import { isInternalTopic, type PartitionState, type TopicState } from '@tributary/core'
import { named } from '../openapi/index.ts'
import { type EffectiveTopicConfig, replicationFactorOf } from '../topics/index.ts'

/**
 * The v3 resource shapes, as the REST Proxy writes them: every resource has a `kind`, a
 * `metadata` with its absolute `self` URL and a `resource_name` (a CRN), and links to related
 * resources as `{related: url}`; collections are `{kind: …List, metadata: {self, next}, data}`.
 */

const relationship = z.object({ related: z.string() })
const resourceMetadata = z.object({ self: z.string(), resource_name: z.string() })
const collectionMetadata = z.object({ self: z.string(), next: z.string().nullable() })
const configSource = z.enum([
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'DEFAULT_CONFIG',
])

export const clusterDataSchema = named(
  'ClusterData',
  z.object({
    kind: z.literal('KafkaCluster'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    controller: relationship
      .nullable()
      .openapi({ description: 'Tributary controllers are not brokers: null' }),
    acls: relationship,
    brokers: relationship,
    broker_configs: relationship,
    consumer_groups: relationship,
    topics: relationship,
    partition_reassignments: relationship,
  }),
)

export const topicDataSchema = named(
  'TopicData',
  z.object({
    kind: z.literal('KafkaTopic'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    topic_name: z.string(),
    is_internal: z.boolean(),
    replication_factor: z.number().int(),
    partitions_count: z.number().int(),
    partitions: relationship,
    configs: relationship,
    partition_reassignments: relationship,
  }),
)

export const partitionDataSchema = named(
  'PartitionData',
  z.object({
    kind: z.literal('KafkaPartition'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    topic_name: z.string(),
    partition_id: z.number().int(),
    leader: relationship
      .nullable()
      .openapi({ description: 'null while the partition has no leader' }),
    replicas: relationship,
    reassignment: relationship,
  }),
)

export const topicConfigDataSchema = named(
  'TopicConfigData',
  z.object({
    kind: z.literal('KafkaTopicConfig'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    topic_name: z.string(),
    name: z.string(),
    value: z.string().nullable(),
    is_default: z.boolean(),
    is_read_only: z.boolean(),
    is_sensitive: z.boolean(),
    source: configSource,
    synonyms: z
      .array(z.object({ name: z.string(), value: z.string().nullable(), source: configSource }))
      .openapi({ description: 'Every layer that sets the config, the effective one first' }),
  }),
)

export const replicaDataSchema = named(
  'ReplicaData',
  z.object({
    kind: z.literal('KafkaReplica'),
    metadata: resourceMetadata,
    cluster_id: z.string(),
    topic_name: z.string(),
    partition_id: z.number().int(),
    broker_id: z.number().int(),
    is_leader: z.boolean(),
    is_in_sync: z.boolean().openapi({ description: "The broker is in the partition's ISR" }),
    broker: relationship,
  }),
)

const list = (kind: string, item: z.ZodType) =>
  z.object({ kind: z.literal(kind), metadata: collectionMetadata, data: z.array(item) })

named('ClusterDataList', list('KafkaClusterList', clusterDataSchema))
named('TopicDataList', list('KafkaTopicList', topicDataSchema))
named('PartitionDataList', list('KafkaPartitionList', partitionDataSchema))
named('TopicConfigDataList', list('KafkaTopicConfigList', topicConfigDataSchema))
named('ReplicaDataList', list('KafkaReplicaList', replicaDataSchema))

/** Builds the absolute URLs and CRNs of one cluster's resources. */
export class Links {
  readonly #base: string
  readonly clusterId: string

  constructor(origin: string, clusterId: string) {
    this.#base = `${origin.replace(/\/+$/, '')}/v3/clusters/${encodeURIComponent(clusterId)}`
    this.clusterId = clusterId
  }

  url(...path: readonly (string | number)[]): string {
    return [this.#base, ...path.map((part) => encodeURIComponent(String(part)))].join('/')
  }

  crn(...pairs: readonly (readonly [string, string | number])[]): string {
    return [
      `crn:///kafka=${this.clusterId}`,
      ...pairs.map(([kind, name]) => `${kind}=${name}`),
    ].join('/')
  }

  related(...path: readonly (string | number)[]): { related: string } {
    return { related: this.url(...path) }
  }

  collection<T>(kind: string, self: string, data: readonly T[]) {
    return { kind, metadata: { self, next: null }, data }
  }
}

export function clusterData(links: Links) {
  return {
    kind: 'KafkaCluster' as const,
    metadata: { self: links.url(), resource_name: links.crn() },
    cluster_id: links.clusterId,
    controller: null,
    acls: links.related('acls'),
    brokers: links.related('brokers'),
    broker_configs: links.related('broker-configs'),
    consumer_groups: links.related('consumer-groups'),
    topics: links.related('topics'),
    partition_reassignments: links.related('topics', '-', 'partitions', '-', 'reassignment'),
  }
}

/** A topic's data; `counts` overrides what the image says (a validate-only create has no image entry). */
export function topicData(
  links: Links,
  name: string,
  counts: { partitions: number; replicationFactor: number },
) {
  return {
    kind: 'KafkaTopic' as const,
    metadata: { self: links.url('topics', name), resource_name: links.crn(['topic', name]) },
    cluster_id: links.clusterId,
    topic_name: name,
    is_internal: isInternalTopic(name),
    replication_factor: counts.replicationFactor,
    partitions_count: counts.partitions,
    partitions: links.related('topics', name, 'partitions'),
    configs: links.related('topics', name, 'configs'),
    partition_reassignments: links.related('topics', name, 'partitions', '-', 'reassignment'),
  }
}

export function topicDataOf(links: Links, topic: TopicState) {
  return topicData(links, topic.name, {
    partitions: topic.partitions.length,
    replicationFactor: replicationFactorOf(topic),
  })
}

export function partitionData(links: Links, topic: string, state: PartitionState) {
  const path = ['topics', topic, 'partitions', state.partition] as const
  return {
    kind: 'KafkaPartition' as const,
    metadata: {
      self: links.url(...path),
      resource_name: links.crn(['topic', topic], ['partition', state.partition]),
    },
    cluster_id: links.clusterId,
    topic_name: topic,
    partition_id: state.partition,
    leader: state.leader < 0 ? null : links.related(...path, 'replicas', state.leader),
    replicas: links.related(...path, 'replicas'),
    reassignment: links.related(...path, 'reassignment'),
  }
}

/** A topic config at its effective value, with where it comes from and the layers under it. */
export function topicConfigData(links: Links, topic: string, entry: EffectiveTopicConfig) {
  return {
    kind: 'KafkaTopicConfig' as const,
    metadata: {
      self: links.url('topics', topic, 'configs', entry.name),
      resource_name: links.crn(['topic', topic], ['config', entry.name]),
    },
    cluster_id: links.clusterId,
    topic_name: topic,
    name: entry.name,
    value: entry.value,
    is_default: entry.isDefault,
    is_read_only: false,
    is_sensitive: false,
    source: entry.source,
    synonyms: entry.synonyms,
  }
}

/** One replica of a partition: the broker `brokerId` holding it, as the image assigns it. */
export function replicaData(links: Links, topic: string, state: PartitionState, brokerId: number) {
  const path = ['topics', topic, 'partitions', state.partition, 'replicas', brokerId] as const
  return {
    kind: 'KafkaReplica' as const,
    metadata: {
      self: links.url(...path),
      resource_name: links.crn(
        ['topic', topic],
        ['partition', state.partition],
        ['replica', brokerId],
      ),
    },
    cluster_id: links.clusterId,
    topic_name: topic,
    partition_id: state.partition,
    broker_id: brokerId,
    is_leader: state.leader === brokerId,
    is_in_sync: state.isr.includes(brokerId),
    broker: links.related('brokers', brokerId),
  }
}
