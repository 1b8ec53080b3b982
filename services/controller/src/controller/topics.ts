import {
  type alterTopicConfigsRequestSchema,
  type createPartitionsRequestSchema,
  type createTopicRequestSchema,
  ErrorCode,
  formatTopicConfigs,
  InvalidConfigError,
  InvalidTopicError,
  isTopicConfigName,
  type MetadataImage,
  type MetadataRecord,
  type PlacementBroker,
  parseTopicConfigs,
  placeReplicas,
  type TopicState,
  TributaryError,
  topicCollisionKey,
  validateTopicName,
} from '@tributary/core'
import type * as z from 'zod'
import { resolveReplicationFactor } from './cluster-configs.ts'

/**
 * The admin commands on topics as pure plans: given the image, check the request and answer the
 * records that carry it out (or throw the error a Kafka admin client would see). The controller
 * appends the records in one fenced append.
 */

export type CreateTopicCommand = z.output<typeof createTopicRequestSchema>
export type CreatePartitionsCommand = z.output<typeof createPartitionsRequestSchema>
export type AlterTopicConfigsCommand = z.output<typeof alterTopicConfigsRequestSchema>

/**
 * The most partitions one request may create. Kafka sets no limit, but every partition is a
 * metadata record and a directory on a broker, so a typo such as 1000000 is refused here.
 */
export const MAX_PARTITIONS_PER_REQUEST = 10_000

/** The brokers that may take new replicas: the unfenced ones. */
export function placementBrokers(image: MetadataImage): PlacementBroker[] {
  return image.brokers.filter((broker) => !broker.fenced)
}

export function planCreateTopic(
  image: MetadataImage,
  request: CreateTopicCommand,
  topicId: string,
): MetadataRecord[] {
  const { name, partitions } = request
  const replicationFactor = resolveReplicationFactor(image, request.replicationFactor)
  validateTopicName(name)
  if (image.topic(name) !== undefined) {
    throw new TributaryError(ErrorCode.TopicAlreadyExists, `Topic '${name}' already exists.`)
  }
  const key = topicCollisionKey(name)
  const collides = image.topics.filter((topic) => topicCollisionKey(topic.name) === key)
  if (collides.length > 0) {
    throw new InvalidTopicError(
      `Topic '${name}' collides with existing topics: ${collides.map((t) => t.name).join(', ')}`,
    )
  }
  requirePartitionCount(partitions)
  const configs = formatTopicConfigs(parseTopicConfigs(request.configs))
  // Up to one replica per unfenced broker; more is INVALID_REPLICATION_FACTOR, Kafka's message.
  const placed = placeReplicas({ brokers: placementBrokers(image), partitions, replicationFactor })
  return [
    { type: 'topic', name, topicId },
    ...placed.map((replicas, partition) => partitionRecord(topicId, partition, replicas)),
    ...Object.entries(configs).map(([config, value]) => configRecord(name, config, value)),
  ]
}

export function planDeleteTopic(image: MetadataImage, name: string): MetadataRecord[] {
  const topic = requireTopic(image, name)
  return [{ type: 'remove-topic', topicId: topic.topicId }]
}

export function planCreatePartitions(
  image: MetadataImage,
  request: CreatePartitionsCommand,
): MetadataRecord[] {
  const topic = requireTopic(image, request.name)
  const current = topic.partitions.length
  const { totalCount } = request
  if (totalCount < current) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.`,
    )
  }
  if (totalCount === current) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      `Topic already has ${current} partitions.`,
    )
  }
  requirePartitionCount(totalCount - current)
  const placed = placeReplicas({
    brokers: placementBrokers(image),
    partitions: totalCount - current,
    replicationFactor: topic.partitions[0]?.replicas.length ?? 1,
    firstPartition: current,
  })
  return placed.map((replicas, i) => partitionRecord(topic.topicId, current + i, replicas))
}

/** Config records that set and remove overrides; none for changes that change nothing. */
export function planAlterTopicConfigs(
  image: MetadataImage,
  request: AlterTopicConfigsCommand,
): MetadataRecord[] {
  const topic = requireTopic(image, request.name)
  const set = formatTopicConfigs(parseTopicConfigs(request.set))
  for (const name of request.remove) {
    if (!isTopicConfigName(name)) throw new InvalidConfigError(`Unknown topic config name: ${name}`)
    if (Object.hasOwn(request.set, name)) {
      throw new TributaryError(
        ErrorCode.InvalidRequest,
        `Config ${name} is both set and removed in one request`,
      )
    }
  }
  const records: MetadataRecord[] = []
  for (const [name, value] of Object.entries(set)) {
    if (topic.configs[name] !== value) records.push(configRecord(topic.name, name, value))
  }
  for (const name of new Set(request.remove)) {
    if (Object.hasOwn(topic.configs, name)) records.push(configRecord(topic.name, name, null))
  }
  return records
}

export function requireTopic(image: MetadataImage, name: string): TopicState {
  const topic = image.topic(name)
  if (topic === undefined) {
    throw new TributaryError(ErrorCode.UnknownTopicOrPartition, `Topic '${name}' does not exist.`)
  }
  return topic
}

function requirePartitionCount(count: number): void {
  if (count < 1) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      `Number of partitions must be larger than 0, got ${count}`,
    )
  }
  if (count > MAX_PARTITIONS_PER_REQUEST) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      `Number of partitions to create must be at most ${MAX_PARTITIONS_PER_REQUEST}, got ${count}`,
    )
  }
}

function partitionRecord(topicId: string, partition: number, replicas: number[]): MetadataRecord {
  return {
    type: 'partition',
    topicId,
    partition,
    replicas,
    isr: [...replicas],
    leader: replicas[0] ?? -1,
    leaderEpoch: 0,
    partitionEpoch: 0,
  }
}

function configRecord(topic: string, name: string, value: string | null): MetadataRecord {
  return { type: 'config', resourceType: 'topic', resourceName: topic, name, value }
}
