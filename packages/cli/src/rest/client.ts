import { BadResponseError } from '../errors/index.ts'
import { type ConsumerCalls, createConsumerCalls } from './consumers.ts'
import {
  arrayOf,
  createTransport,
  dataOf,
  type FetchFn,
  objectOf,
  segment,
  V2_BINARY,
  V2_JSON,
  V3_JSON,
} from './transport.ts'
import type {
  BinaryProduceRecord,
  ConsumedRecord,
  CreateTopicInput,
  PartitionData,
  PartitionOffsets,
  ProduceOffset,
  ReadPartitionInput,
  ReplicaData,
  TopicConfigData,
  TopicData,
  V2PartitionData,
} from './types.ts'

/**
 * A small typed client of the gateway's REST API: Confluent REST Proxy v3 for admin, v2 for
 * produce and partition metadata, the stateless partition read, and consumers (v2 instances,
 * v3 groups: ./consumers.ts). Every failure becomes a CliError (./transport.ts).
 */

export interface RestClientOptions {
  /** Base URL, e.g. `http://localhost:8082`; a trailing slash is ignored. */
  readonly baseUrl: string
  readonly fetch?: FetchFn
}

/** The gateway's REST API, one method per call the CLI makes. */
export interface RestClient extends ConsumerCalls {
  readonly baseUrl: string
  /** The first cluster of `GET /v3/clusters`, asked once. */
  clusterId(): Promise<string>
  listTopics(): Promise<TopicData[]>
  getTopic(topic: string): Promise<TopicData>
  createTopic(input: CreateTopicInput): Promise<TopicData>
  deleteTopic(topic: string): Promise<void>
  /** v3 `PATCH .../topics/{t}` with `partitions_count` (increase only). */
  setPartitionsCount(topic: string, count: number): Promise<void>
  listPartitions(topic: string): Promise<PartitionData[]>
  listReplicas(topic: string, partition: number): Promise<ReplicaData[]>
  listTopicConfigs(topic: string): Promise<TopicConfigData[]>
  /** v2 partition metadata: leader, replicas and in-sync flags in one call. */
  listPartitionsV2(topic: string): Promise<V2PartitionData[]>
  partitionOffsets(topic: string, partition: number): Promise<PartitionOffsets>
  /** v2 binary produce to the topic; one report per record, in order. */
  produceBinary(
    topic: string,
    records: readonly BinaryProduceRecord[],
    signal?: AbortSignal,
  ): Promise<ProduceOffset[]>
  readPartition(input: ReadPartitionInput): Promise<ConsumedRecord[]>
}

/** A client of the gateway at `options.baseUrl`; it does no I/O until a call is made. */
export const createRestClient = (options: RestClientOptions): RestClient => {
  const transport = createTransport(options.baseUrl, options.fetch)
  const { baseUrl, request, clusterId } = transport

  const topicsPath = async (topic?: string): Promise<string> => {
    const base = `/v3/clusters/${segment(await clusterId())}/topics`
    return topic === undefined ? base : `${base}/${segment(topic)}`
  }

  return {
    ...createConsumerCalls(transport),
    baseUrl,
    clusterId,
    async listTopics() {
      const body = await request({ method: 'GET', path: await topicsPath(), accept: V3_JSON })
      return dataOf<TopicData>(body, 'topics')
    },
    async getTopic(topic) {
      const body = await request({ method: 'GET', path: await topicsPath(topic), accept: V3_JSON })
      return objectOf<TopicData>(body, 'topic')
    },
    async createTopic(input) {
      const body = await request({
        method: 'POST',
        path: await topicsPath(),
        accept: V3_JSON,
        body: {
          topic_name: input.name,
          ...(input.partitionsCount === undefined
            ? {}
            : { partitions_count: input.partitionsCount }),
          ...(input.replicationFactor === undefined
            ? {}
            : { replication_factor: input.replicationFactor }),
          ...(input.configs === undefined || input.configs.length === 0
            ? {}
            : { configs: input.configs.map(({ name, value }) => ({ name, value })) }),
        },
      })
      return objectOf<TopicData>(body, 'create topic')
    },
    async deleteTopic(topic) {
      await request({ method: 'DELETE', path: await topicsPath(topic), accept: V3_JSON })
    },
    async setPartitionsCount(topic, count) {
      await request({
        method: 'PATCH',
        path: await topicsPath(topic),
        accept: V3_JSON,
        body: { partitions_count: count },
      })
    },
    async listPartitions(topic) {
      const path = `${await topicsPath(topic)}/partitions`
      return dataOf<PartitionData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'partitions',
      )
    },
    async listReplicas(topic, partition) {
      const path = `${await topicsPath(topic)}/partitions/${segment(partition)}/replicas`
      return dataOf<ReplicaData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'replicas',
      )
    },
    async listTopicConfigs(topic) {
      const path = `${await topicsPath(topic)}/configs`
      return dataOf<TopicConfigData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'configs',
      )
    },
    async listPartitionsV2(topic) {
      const path = `/topics/${segment(topic)}/partitions`
      return arrayOf<V2PartitionData>(
        await request({ method: 'GET', path, accept: V2_JSON }),
        'partitions',
      )
    },
    async partitionOffsets(topic, partition) {
      const path = `/topics/${segment(topic)}/partitions/${segment(partition)}/offsets`
      return objectOf<PartitionOffsets>(
        await request({ method: 'GET', path, accept: V2_JSON }),
        'offsets',
      )
    },
    async produceBinary(topic, records, signal) {
      const body = await request({
        method: 'POST',
        path: `/topics/${segment(topic)}`,
        accept: V2_JSON,
        contentType: V2_BINARY,
        body: { records },
        signal,
      })
      const offsets = objectOf<{ offsets?: unknown }>(body, 'produce').offsets
      const reports = arrayOf<ProduceOffset>(offsets, 'produce')
      if (reports.length !== records.length) {
        throw new BadResponseError(
          `the server reported ${reports.length} offsets for ${records.length} records`,
        )
      }
      return reports
    },
    async readPartition(input) {
      const query = new URLSearchParams({
        offset: String(input.offset),
        max_bytes: String(input.maxBytes),
        timeout: String(input.timeoutMs),
      })
      const path = `/topics/${segment(input.topic)}/partitions/${segment(input.partition)}/records?${query}`
      return arrayOf<ConsumedRecord>(
        await request({ method: 'GET', path, accept: V2_BINARY, signal: input.signal }),
        'records',
      )
    },
  }
}
