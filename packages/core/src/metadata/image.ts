import { ErrorCode, TributaryError } from '../errors/index.ts'
import type { BrokerEndpoint, MetadataLogEntry, MetadataRecord } from './records.ts'

export interface BrokerRegistration {
  readonly brokerId: number
  readonly incarnationId: string
  readonly brokerEpoch: number
  readonly endpoints: readonly BrokerEndpoint[]
  readonly rack: string | null
  readonly fenced: boolean
}

export interface PartitionState {
  readonly partition: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  /** -1 when offline. */
  readonly leader: number
  readonly leaderEpoch: number
  readonly partitionEpoch: number
}

export interface TopicState {
  readonly name: string
  readonly topicId: string
  /** Partitions by index, 0 … n-1. */
  readonly partitions: readonly PartitionState[]
  /** The topic's config overrides, under Kafka's names. */
  readonly configs: Readonly<Record<string, string>>
}

/** The whole image as plain data: what a snapshot stores and what tests compare. */
export interface MetadataSnapshot {
  /** Offset of the last record applied; -1 for an empty image. */
  readonly offset: number
  readonly controllerEpoch: number
  readonly clusterId: string | null
  readonly brokers: readonly BrokerRegistration[]
  readonly topics: readonly TopicState[]
  readonly clusterConfigs: Readonly<Record<string, string>>
}

const corrupt = (message: string) =>
  new TributaryError(ErrorCode.CorruptMessage, `metadata log: ${message}`, { retriable: false })

/**
 * The cluster as the metadata log describes it up to some offset: a pure fold of the records, so
 * every process that replays the same log holds the same image (Kafka's MetadataImage).
 * `apply` refuses a record that cannot follow the image (a partition of an unknown topic, an
 * offset out of order): that would mean a damaged log, and guessing would split the cluster's view.
 */
export class MetadataImage {
  #offset = -1
  #controllerEpoch = 0
  #clusterId: string | null = null
  readonly #brokers = new Map<number, BrokerRegistration>()
  readonly #topics = new Map<string, TopicState>()
  readonly #topicNames = new Map<string, string>()
  #clusterConfigs: Record<string, string> = {}

  static fromSnapshot(snapshot: MetadataSnapshot): MetadataImage {
    const image = new MetadataImage()
    image.#offset = snapshot.offset
    image.#controllerEpoch = snapshot.controllerEpoch
    image.#clusterId = snapshot.clusterId
    for (const broker of snapshot.brokers) image.#brokers.set(broker.brokerId, broker)
    for (const topic of snapshot.topics) {
      image.#topics.set(topic.topicId, topic)
      image.#topicNames.set(topic.name, topic.topicId)
    }
    image.#clusterConfigs = { ...snapshot.clusterConfigs }
    return image
  }

  /** Offset of the last record applied; -1 while empty. */
  get offset(): number {
    return this.#offset
  }

  get controllerEpoch(): number {
    return this.#controllerEpoch
  }

  get clusterId(): string | null {
    return this.#clusterId
  }

  get brokers(): BrokerRegistration[] {
    return [...this.#brokers.values()].sort((a, b) => a.brokerId - b.brokerId)
  }

  broker(brokerId: number): BrokerRegistration | undefined {
    return this.#brokers.get(brokerId)
  }

  /** Every topic, by name. */
  get topics(): TopicState[] {
    return [...this.#topics.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )
  }

  topic(name: string): TopicState | undefined {
    const id = this.#topicNames.get(name)
    return id === undefined ? undefined : this.#topics.get(id)
  }

  topicById(topicId: string): TopicState | undefined {
    return this.#topics.get(topicId)
  }

  partition(topicName: string, partition: number): PartitionState | undefined {
    return this.topic(topicName)?.partitions[partition]
  }

  get clusterConfigs(): Readonly<Record<string, string>> {
    return this.#clusterConfigs
  }

  /** Applies the next entry of the log; its offset must follow the last one applied. */
  apply(entry: MetadataLogEntry): void {
    if (entry.offset !== this.#offset + 1) {
      throw corrupt(`entry at offset ${entry.offset} cannot follow offset ${this.#offset}`)
    }
    if (entry.controllerEpoch < this.#controllerEpoch) {
      throw corrupt(
        `entry at offset ${entry.offset} is from controller epoch ${entry.controllerEpoch}, older than ${this.#controllerEpoch}`,
      )
    }
    this.#applyRecord(entry.record)
    this.#offset = entry.offset
    this.#controllerEpoch = entry.controllerEpoch
  }

  /** The image as plain data, sorted, so equal images give equal snapshots. */
  snapshot(): MetadataSnapshot {
    return {
      offset: this.#offset,
      controllerEpoch: this.#controllerEpoch,
      clusterId: this.#clusterId,
      brokers: this.brokers,
      topics: this.topics,
      clusterConfigs: { ...this.#clusterConfigs },
    }
  }

  #applyRecord(record: MetadataRecord): void {
    switch (record.type) {
      case 'cluster':
        if (this.#clusterId !== null && this.#clusterId !== record.clusterId) {
          throw corrupt(`cluster id ${record.clusterId} after ${this.#clusterId}`)
        }
        this.#clusterId = record.clusterId
        return
      case 'register-broker': {
        const { type: _, ...registration } = record
        this.#brokers.set(record.brokerId, registration)
        return
      }
      case 'unregister-broker':
        this.#brokers.delete(record.brokerId)
        return
      case 'fence-broker':
      case 'unfence-broker': {
        const broker = this.#brokers.get(record.brokerId)
        if (broker === undefined)
          throw corrupt(`${record.type} of unknown broker ${record.brokerId}`)
        if (broker.brokerEpoch !== record.brokerEpoch) return // a stale registration's record
        this.#brokers.set(record.brokerId, { ...broker, fenced: record.type === 'fence-broker' })
        return
      }
      case 'topic':
        if (this.#topicNames.has(record.name)) throw corrupt(`topic ${record.name} exists already`)
        if (this.#topics.has(record.topicId)) throw corrupt(`topic id ${record.topicId} is taken`)
        this.#topics.set(record.topicId, {
          name: record.name,
          topicId: record.topicId,
          partitions: [],
          configs: {},
        })
        this.#topicNames.set(record.name, record.topicId)
        return
      case 'partition': {
        const topic = this.#topicFor(record.topicId, record.type)
        if (record.partition !== topic.partitions.length) {
          throw corrupt(
            `partition ${record.partition} of ${topic.name} out of order (it has ${topic.partitions.length})`,
          )
        }
        const { type: _, topicId: __, ...state } = record
        this.#topics.set(topic.topicId, { ...topic, partitions: [...topic.partitions, state] })
        return
      }
      case 'partition-change': {
        const topic = this.#topicFor(record.topicId, record.type)
        const current = topic.partitions[record.partition]
        if (current === undefined) {
          throw corrupt(`partition-change of unknown partition ${topic.name}-${record.partition}`)
        }
        const leader = record.leader ?? current.leader
        const next: PartitionState = {
          partition: current.partition,
          replicas: record.replicas ?? current.replicas,
          isr: record.isr ?? current.isr,
          leader,
          leaderEpoch: leader !== current.leader ? current.leaderEpoch + 1 : current.leaderEpoch,
          partitionEpoch: current.partitionEpoch + 1,
        }
        const partitions = [...topic.partitions]
        partitions[record.partition] = next
        this.#topics.set(topic.topicId, { ...topic, partitions })
        return
      }
      case 'config':
        this.#applyConfig(record)
        return
      case 'remove-topic': {
        const topic = this.#topicFor(record.topicId, record.type)
        this.#topics.delete(topic.topicId)
        this.#topicNames.delete(topic.name)
        return
      }
      case 'no-op':
        return
    }
  }

  #applyConfig(record: Extract<MetadataRecord, { type: 'config' }>): void {
    const set = (configs: Readonly<Record<string, string>>): Record<string, string> => {
      const next = { ...configs }
      if (record.value === null) delete next[record.name]
      else next[record.name] = record.value
      return next
    }
    if (record.resourceType === 'cluster') {
      this.#clusterConfigs = set(this.#clusterConfigs)
      return
    }
    if (record.resourceType === 'broker') return // no per-broker configs are kept yet
    const topic = this.topic(record.resourceName)
    if (topic === undefined) throw corrupt(`config for unknown topic ${record.resourceName}`)
    this.#topics.set(topic.topicId, { ...topic, configs: set(topic.configs) })
  }

  #topicFor(topicId: string, what: string): TopicState {
    const topic = this.#topics.get(topicId)
    if (topic === undefined) throw corrupt(`${what} of unknown topic id ${topicId}`)
    return topic
  }
}
