import {
  type ControllerClient,
  ErrorCode,
  OFFSETS_TOPIC,
  type TopicState,
  TributaryError,
} from '@tributary/core'
import { reach } from '../admin/index.ts'
import { type MetadataView, metadataOrTimeout } from '../routing/index.ts'

/** A CreateTopic replication factor of -1 asks for the cluster's `default.replication.factor`. */
const USE_DEFAULT_REPLICATION_FACTOR = -1

/** How often the wait for the new topic's leaders looks again when no metadata arrives. */
const LEADER_CHECK_MS = 100

/**
 * `__consumer_offsets`, made on first use: the first group call that finds no such topic in the
 * image asks the controller to create it (`partitions` of them; the cluster's
 * `default.replication.factor`, and as it has no override the cluster's `min.insync.replicas`
 * applies, so commits are replicated like any acks=all write; `retention.ms=-1`, since
 * compaction is not implemented and a committed offset must never age out), takes
 * TOPIC_ALREADY_EXISTS (another gateway won) as success, and waits until the image shows it with
 * leaders. Concurrent calls share one creation.
 */
export class OffsetsTopic {
  readonly #metadata: MetadataView
  readonly #controller: ControllerClient
  readonly #partitions: number
  readonly #timeoutMs: number
  #creating: Promise<void> | undefined

  constructor(options: {
    metadata: MetadataView
    controller: ControllerClient
    partitions: number
    timeoutMs: number
  }) {
    this.#metadata = options.metadata
    this.#controller = options.controller
    this.#partitions = options.partitions
    this.#timeoutMs = options.timeoutMs
  }

  /** Resolves once the image has the topic; creates it first when it has not. */
  async ensure(): Promise<void> {
    if (this.#metadata.image.topic(OFFSETS_TOPIC) !== undefined) return
    this.#creating ??= this.#create().finally(() => {
      this.#creating = undefined
    })
    await this.#creating
  }

  async #create(): Promise<void> {
    const deadline = Date.now() + this.#timeoutMs
    try {
      const result = await this.#controller.createTopic({
        name: OFFSETS_TOPIC,
        partitions: this.#partitions,
        // Kafka's "use the default": the controller applies the cluster's replication factor.
        replicationFactor: USE_DEFAULT_REPLICATION_FACTOR,
        configs: { 'retention.ms': '-1' },
      })
      await reach(this.#metadata, result.metadataOffset, this.#timeoutMs)
    } catch (error) {
      if (!(error instanceof TributaryError && error.code === ErrorCode.TopicAlreadyExists)) {
        throw error
      }
    }
    // Wait for leaders; a partition still without one is retried per call, not refused here.
    for (;;) {
      const topic = this.#metadata.image.topic(OFFSETS_TOPIC)
      if (topic !== undefined && (hasLeaders(topic) || Date.now() >= deadline)) return
      if (Date.now() >= deadline) {
        throw new TributaryError(
          ErrorCode.CoordinatorNotAvailable,
          `${OFFSETS_TOPIC} was not created within ${this.#timeoutMs} ms`,
          { retriable: true },
        )
      }
      await metadataOrTimeout(this.#metadata, LEADER_CHECK_MS)
    }
  }
}

function hasLeaders(topic: TopicState): boolean {
  return topic.partitions.length > 0 && topic.partitions.every((state) => state.leader >= 0)
}
