import {
  type AdminResult,
  type AlterTopicConfigsRequest,
  type ControllerClient,
  type CreatePartitionsRequest,
  type CreateTopicRequest,
  ErrorCode,
  type MetadataImage,
  type MetadataRecord,
  parseTopicConfigs,
  TributaryError,
  validateTopicName,
} from '@tributary/core'
import type { MemoryMetadataLog } from './memory-metadata-log.ts'

/**
 * A stand-in for the controller in the gateway's own tests (the cross-service tests in the root
 * `test/` workspace use the real one): validates as the controller does and appends the same
 * metadata records to a memory log. Every partition is led by the first broker.
 */
export class TestController implements ControllerClient {
  readonly #log: MemoryMetadataLog
  readonly #image: () => MetadataImage
  #nextTopicId = 1
  /** Requests received, for assertions. */
  readonly calls: string[] = []

  constructor(log: MemoryMetadataLog, image: () => MetadataImage) {
    this.#log = log
    this.#image = image
  }

  async createTopic(request: CreateTopicRequest): Promise<AdminResult> {
    this.calls.push(`createTopic ${request.name}`)
    validateTopicName(request.name)
    const configs = request.configs ?? {}
    parseTopicConfigs(configs)
    if (request.partitions < 1) {
      throw new TributaryError(
        ErrorCode.InvalidPartitions,
        'Number of partitions must be larger than 0.',
      )
    }
    const brokers = this.#image().brokers
    // -1: the cluster's default, as the controller resolves it.
    const replicationFactor =
      request.replicationFactor === -1
        ? Number(this.#image().clusterConfigs['default.replication.factor'] ?? 1)
        : request.replicationFactor
    if (replicationFactor < 1 || replicationFactor > brokers.length) {
      throw new TributaryError(
        ErrorCode.InvalidReplicationFactor,
        `Replication factor ${replicationFactor} is invalid`,
      )
    }
    if (this.#image().topic(request.name) !== undefined) {
      throw new TributaryError(
        ErrorCode.TopicAlreadyExists,
        `Topic '${request.name}' already exists.`,
      )
    }
    if (request.validateOnly === true) return { metadataOffset: await this.#log.lastOffset() }
    const topicId = `topic-${this.#nextTopicId++}`
    const leader = brokers[0]?.brokerId ?? 1
    const records: MetadataRecord[] = [{ type: 'topic', name: request.name, topicId }]
    for (let partition = 0; partition < request.partitions; partition++) {
      records.push({
        type: 'partition',
        topicId,
        partition,
        replicas: [leader],
        isr: [leader],
        leader,
        leaderEpoch: 0,
        partitionEpoch: 0,
      })
    }
    for (const [name, value] of Object.entries(configs)) {
      records.push({
        type: 'config',
        resourceType: 'topic',
        resourceName: request.name,
        name,
        value,
      })
    }
    return { metadataOffset: this.#log.append(records) }
  }

  async deleteTopic(name: string): Promise<AdminResult> {
    this.calls.push(`deleteTopic ${name}`)
    const topic = this.#image().topic(name)
    if (topic === undefined)
      throw new TributaryError(ErrorCode.UnknownTopicOrPartition, `Topic ${name} does not exist`)
    return { metadataOffset: this.#log.append([{ type: 'remove-topic', topicId: topic.topicId }]) }
  }

  async createPartitions(request: CreatePartitionsRequest): Promise<AdminResult> {
    this.calls.push(`createPartitions ${request.name}`)
    const topic = this.#image().topic(request.name)
    if (topic === undefined) {
      throw new TributaryError(
        ErrorCode.UnknownTopicOrPartition,
        `Topic ${request.name} does not exist`,
      )
    }
    const current = topic.partitions.length
    if (request.totalCount < current) {
      throw new TributaryError(
        ErrorCode.InvalidPartitions,
        `Topic currently has ${current} partitions, which is higher than the requested ${request.totalCount}.`,
      )
    }
    const leader = this.#image().brokers[0]?.brokerId ?? 1
    const records: MetadataRecord[] = []
    for (let partition = current; partition < request.totalCount; partition++) {
      records.push({
        type: 'partition',
        topicId: topic.topicId,
        partition,
        replicas: [leader],
        isr: [leader],
        leader,
        leaderEpoch: 0,
        partitionEpoch: 0,
      })
    }
    if (records.length === 0) return { metadataOffset: await this.#log.lastOffset() }
    return { metadataOffset: this.#log.append(records) }
  }

  async alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<AdminResult> {
    this.calls.push(`alterTopicConfigs ${request.name}`)
    const set = request.set ?? {}
    parseTopicConfigs(set)
    if (this.#image().topic(request.name) === undefined) {
      throw new TributaryError(
        ErrorCode.UnknownTopicOrPartition,
        `Topic ${request.name} does not exist`,
      )
    }
    if (request.validateOnly === true) return { metadataOffset: await this.#log.lastOffset() }
    const records: MetadataRecord[] = []
    for (const [name, value] of Object.entries(set)) {
      records.push({
        type: 'config',
        resourceType: 'topic',
        resourceName: request.name,
        name,
        value,
      })
    }
    for (const name of request.remove ?? []) {
      records.push({
        type: 'config',
        resourceType: 'topic',
        resourceName: request.name,
        name,
        value: null,
      })
    }
    if (records.length === 0) return { metadataOffset: await this.#log.lastOffset() }
    return { metadataOffset: this.#log.append(records) }
  }

  async registerBroker(): Promise<never> {
    throw new TributaryError(ErrorCode.InvalidRequest, 'not used by the gateway tests')
  }

  async brokerHeartbeat(): Promise<never> {
    throw new TributaryError(ErrorCode.InvalidRequest, 'not used by the gateway tests')
  }

  async alterPartition(): Promise<never> {
    throw new TributaryError(ErrorCode.InvalidRequest, 'not used by the gateway tests')
  }
}
