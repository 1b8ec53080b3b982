import {
  type Acks,
  createPartitioner,
  type Logger,
  type Partitioner,
  parseTopicConfigs,
  type RecordInput,
  RecordTooLargeError,
  resolveTopicConfig,
  type TopicConfig,
  type TopicState,
} from '@tributary/core'
import type { GatewayConfig } from '../config/index.ts'
import type { GatewayMetrics } from '../metrics/index.ts'
import type { ProduceRecord } from '../records/index.ts'
import type { Coalescer, RecordOutcome } from './coalescer.ts'
import { RECORD_BATCH_OVERHEAD, recordSizeBound, singleRecordBatchSize } from './record-size.ts'

/** One record on its way: the partition chosen for it and what will become of it. */
export interface Delivery {
  readonly partition: number
  /** Never rejects: a failure is an outcome. */
  readonly outcome: Promise<RecordOutcome>
}

/**
 * Turns produce requests into per-partition appends: picks each record's partition (the one it
 * names; else Kafka's murmur2 of its key; else round robin per topic), stamps the gateway's
 * clock on records without a timestamp, refuses a record too large for any batch, and hands the
 * rest to the coalescer. Callers check that the topic and any named partition exist, since each
 * API reports that with its own codes.
 */
export class Producer {
  readonly #coalescer: Coalescer
  readonly #config: GatewayConfig
  readonly #logger: Logger
  readonly #metrics: GatewayMetrics
  readonly #partitioners = new Map<string, Partitioner>()
  readonly #topicConfigs = new WeakMap<object, TopicConfig>()
  #asyncPendingBytes = 0

  constructor(options: {
    coalescer: Coalescer
    config: GatewayConfig
    logger: Logger
    metrics: GatewayMetrics
  }) {
    this.#coalescer = options.coalescer
    this.#config = options.config
    this.#logger = options.logger
    this.#metrics = options.metrics
  }

  /** Produces `records` with `acks` (the gateway's configured acks when absent). */
  produce(
    topic: TopicState,
    records: readonly ProduceRecord[],
    acks: Acks = this.#config.acks,
  ): Delivery[] {
    const partitionCount = topic.partitions.length
    const maxMessageBytes = this.#topicConfig(topic).maxMessageBytes
    const maxBatchBytes = Math.min(maxMessageBytes, this.#config.maxBatchBytes)
    const partitioner = this.#partitioner(topic.topicId)
    const now = Date.now()
    const groups = new Map<number, { indices: number[]; inputs: RecordInput[]; sizes: number[] }>()
    const deliveries = new Array<Delivery>(records.length)
    records.forEach((record, index) => {
      const partition = record.partition ?? partitioner(record.key, partitionCount)
      const input: RecordInput = {
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestamp: record.timestamp ?? now,
      }
      let size = recordSizeBound(input)
      if (RECORD_BATCH_OVERHEAD + size > maxMessageBytes) {
        const exact = singleRecordBatchSize(input)
        if (exact > maxMessageBytes) {
          const error = new RecordTooLargeError(
            `The message is ${exact} bytes when serialized which is larger than ${maxMessageBytes}, the max.message.bytes of topic ${topic.name}`,
          )
          deliveries[index] = { partition, outcome: Promise.resolve({ ok: false, error }) }
          return
        }
        size = exact - RECORD_BATCH_OVERHEAD
      }
      let group = groups.get(partition)
      if (group === undefined) {
        group = { indices: [], inputs: [], sizes: [] }
        groups.set(partition, group)
      }
      group.indices.push(index)
      group.inputs.push(input)
      group.sizes.push(size)
    })
    for (const [partition, group] of groups) {
      const outcomes = this.#coalescer.append(
        topic.name,
        partition,
        acks,
        group.inputs,
        group.sizes,
        maxBatchBytes,
      )
      group.indices.forEach((index, position) => {
        deliveries[index] = {
          partition,
          outcome: outcomes.then((all) => all[position] as RecordOutcome),
        }
      })
    }
    this.#metrics.producedRecords.inc(records.length)
    return deliveries
  }

  /**
   * Accepts records without waiting for the broker (the async produce option): undefined when
   * the gateway already holds `asyncMaxPendingBytes` of such records. Failures are logged and
   * counted, since nobody waits for them: at-most-once.
   */
  produceAsync(
    topic: TopicState,
    records: readonly ProduceRecord[],
    acks: Acks = this.#config.acks,
  ): Delivery[] | undefined {
    let bytes = 0
    for (const record of records)
      bytes += recordSizeBound({ key: record.key, value: record.value, headers: record.headers })
    if (
      this.#asyncPendingBytes > 0 &&
      this.#asyncPendingBytes + bytes > this.#config.asyncMaxPendingBytes
    ) {
      return undefined
    }
    this.#asyncPendingBytes += bytes
    const deliveries = this.produce(topic, records, acks)
    void Promise.all(deliveries.map((delivery) => delivery.outcome)).then((outcomes) => {
      this.#asyncPendingBytes -= bytes
      for (const outcome of outcomes) {
        if (outcome.ok) continue
        this.#metrics.asyncProduceFailures.inc()
        this.#logger.warn(
          { topic: topic.name, code: outcome.error.code, err: outcome.error },
          'an async-produced record was lost',
        )
      }
    })
    return deliveries
  }

  /** Sends everything waiting and resolves once every accepted record has settled. */
  flush(): Promise<void> {
    return this.#coalescer.flush()
  }

  #partitioner(topicId: string): Partitioner {
    let partitioner = this.#partitioners.get(topicId)
    if (partitioner === undefined) {
      partitioner = createPartitioner()
      this.#partitioners.set(topicId, partitioner)
    }
    return partitioner
  }

  #topicConfig(topic: TopicState): TopicConfig {
    let config = this.#topicConfigs.get(topic.configs)
    if (config === undefined) {
      try {
        config = resolveTopicConfig(parseTopicConfigs(topic.configs))
      } catch {
        config = resolveTopicConfig()
      }
      this.#topicConfigs.set(topic.configs, config)
    }
    return config
  }
}
