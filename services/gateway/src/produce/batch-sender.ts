import { Acks, ErrorCode, errorFromWire, type Logger, TributaryError } from '@tributary/core'
import type { GatewayConfig } from '../config/index.ts'
import type { GatewayMetrics } from '../metrics/index.ts'
import {
  type Leader,
  type LeaderRouter,
  type MetadataView,
  metadataOrTimeout,
} from '../routing/index.ts'

/** Where the leader put a batch. */
export interface SendResult {
  /** Null with acks=0: the leader sends no answer, so where it put the batch is never known. */
  readonly baseOffset: number | null
  /** The leader's append time when the topic uses LogAppendTime, else -1. */
  readonly logAppendTime: number
}

/**
 * Sends encoded batches to partition leaders and retries what may succeed later: a leader that
 * moved (NOT_LEADER_OR_FOLLOWER), a broker that has not seen a new topic yet
 * (UNKNOWN_TOPIC_OR_PARTITION), a partition without a leader, a connection that failed. Before
 * each retry it waits for the metadata image to move on, or a backoff that doubles up to a cap,
 * whichever comes first; after `deliveryTimeoutMs` the last error stands.
 *
 * A retry after a lost connection may write a batch twice (the first attempt may have been
 * committed): at-least-once, as a Kafka producer without idempotence.
 *
 * With acks=0 a send resolves as soon as the batch is handed to the leader's connection (the
 * data-plane client's promise): the leader answers nothing, so only a failure to reach it is
 * retried, and a batch it then refuses is lost unseen, as with a Kafka producer's acks=0.
 */
export class BatchSender {
  readonly #metadata: MetadataView
  readonly #router: LeaderRouter
  readonly #config: GatewayConfig
  readonly #logger: Logger
  readonly #metrics: GatewayMetrics

  constructor(options: {
    metadata: MetadataView
    router: LeaderRouter
    config: GatewayConfig
    logger: Logger
    metrics: GatewayMetrics
  }) {
    this.#metadata = options.metadata
    this.#router = options.router
    this.#config = options.config
    this.#logger = options.logger
    this.#metrics = options.metrics
  }

  async send(topic: string, partition: number, batch: Uint8Array, acks: Acks): Promise<SendResult> {
    const deadline = Date.now() + this.#config.deliveryTimeoutMs
    let backoff = this.#config.retryBackoffMs
    for (;;) {
      const outcome = await this.#attempt(topic, partition, batch, acks)
      if (!(outcome instanceof TributaryError)) return outcome
      if (!outcome.retriable || Date.now() + backoff > deadline) throw outcome
      this.#metrics.produceRetries.inc({ reason: outcome.code })
      this.#logger.debug({ topic, partition, code: outcome.code, backoff }, 'retrying a batch')
      await metadataOrTimeout(this.#metadata, backoff)
      backoff = Math.min(backoff * 2, this.#config.retryBackoffMaxMs)
    }
  }

  async #attempt(
    topic: string,
    partition: number,
    batch: Uint8Array,
    acks: Acks,
  ): Promise<SendResult | TributaryError> {
    let leader: Leader
    try {
      leader = this.#router.leaderOf(topic, partition)
    } catch (error) {
      if (!(error instanceof TributaryError)) throw error
      // The gateway's own image no longer has the partition: the topic is gone, not late.
      if (error.code === ErrorCode.UnknownTopicOrPartition) {
        return new TributaryError(error.code, error.message, { retriable: false })
      }
      return error
    }
    try {
      const response = await leader.client.produce({
        topic,
        partition,
        acks,
        timeoutMs: this.#config.produceTimeoutMs,
        records: batch,
      })
      const failure = errorFromWire(response.errorCode, response.errorMessage)
      if (failure !== undefined) return failure
      if (acks === Acks.None) return { baseOffset: null, logAppendTime: -1 }
      return { baseOffset: response.baseOffset, logAppendTime: response.logAppendTime }
    } catch (error) {
      this.#router.discard(leader)
      if (error instanceof TributaryError && !error.retriable) return error
      const detail = error instanceof Error ? error.message : String(error)
      return new TributaryError(
        ErrorCode.NetworkException,
        `The leader of ${topic}-${partition} (broker ${leader.brokerId}) could not be reached: ${detail}`,
        { cause: error, retriable: true },
      )
    }
  }
}
