import {
  CONSUMER_REPLICA_ID,
  type DataPlaneClient,
  decodeRecordBatches,
  ErrorCode,
  errorFromWire,
  IsolationLevel,
  OffsetSpec,
  type StoredRecord,
  TributaryError,
} from '@tributary/core'
import type { GatewayConfig } from '../config/index.ts'
import {
  type Leader,
  type LeaderRouter,
  type MetadataView,
  metadataOrTimeout,
} from '../routing/index.ts'

export interface PartitionRead {
  readonly topic: string
  readonly partition: number
  /** The first offset wanted. */
  readonly offset: number
  /** A soft cap on the bytes read; the first batch comes whole even if larger. */
  readonly maxBytes: number
  /** How long the leader may wait for a record when there is none at `offset` yet. */
  readonly timeoutMs: number
}

/** Attempts at a read whose leader moved or could not be reached (about 1.5 s of backoff). */
const MAX_ATTEMPTS = 6

/**
 * The stateless partition read (Redpanda's `GET /topics/{t}/partitions/{p}/records`): one Fetch
 * from the leader, up to the high watermark, decoded, from the offset asked for (the first batch
 * returned may begin before it); and the partition's offsets. A leader that moved is looked up
 * again in fresher metadata, a few times, then the error stands.
 */
export class PartitionReader {
  readonly #metadata: MetadataView
  readonly #router: LeaderRouter
  readonly #config: GatewayConfig

  constructor(options: { metadata: MetadataView; router: LeaderRouter; config: GatewayConfig }) {
    this.#metadata = options.metadata
    this.#router = options.router
    this.#config = options.config
  }

  async read(request: PartitionRead): Promise<StoredRecord[]> {
    const records = await this.readBatches(request)
    const out: StoredRecord[] = []
    for (const batch of decodeRecordBatches(records)) {
      for (const record of batch.records) {
        if (record.offset >= request.offset) out.push(record)
      }
    }
    return out
  }

  /**
   * The same Fetch, answered as the leader sent it: the stored batches, back to back, the first
   * of which may begin before `offset`. For readers that walk the batches themselves.
   */
  readBatches(request: PartitionRead): Promise<Uint8Array> {
    return this.#withLeader(request.topic, request.partition, async (client) => {
      const response = await client.fetch({
        topic: request.topic,
        partition: request.partition,
        fetchOffset: request.offset,
        maxBytes: request.maxBytes,
        maxWaitMs: request.timeoutMs,
        minBytes: 1,
        isolationLevel: IsolationLevel.ReadUncommitted,
        replicaId: CONSUMER_REPLICA_ID,
        currentLeaderEpoch: -1,
      })
      return errorFromWire(response.errorCode, response.errorMessage) ?? response.records
    })
  }

  /** The log start offset and the high watermark of a partition (the v2 `offsets` resource). */
  async offsets(topic: string, partition: number): Promise<{ beginning: number; end: number }> {
    return this.#withLeader(topic, partition, async (client) => {
      const response = await client.listOffsets({ topic, partition, timestamp: OffsetSpec.Latest })
      return (
        errorFromWire(response.errorCode, response.errorMessage) ?? {
          beginning: response.logStartOffset,
          end: response.highWatermark,
        }
      )
    })
  }

  /** Runs `call` against the partition's leader, again (a few times) when the leader moved. */
  async #withLeader<T>(
    topic: string,
    partition: number,
    call: (client: DataPlaneClient) => Promise<T | TributaryError>,
  ): Promise<T> {
    let backoff = this.#config.retryBackoffMs
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(topic, partition, call)
      if (!(outcome instanceof TributaryError)) return outcome
      if (!outcome.retriable || attempt >= MAX_ATTEMPTS) throw outcome
      await metadataOrTimeout(this.#metadata, backoff)
      backoff = Math.min(backoff * 2, this.#config.retryBackoffMaxMs)
    }
  }

  async #attempt<T>(
    topic: string,
    partition: number,
    call: (client: DataPlaneClient) => Promise<T | TributaryError>,
  ): Promise<T | TributaryError> {
    let leader: Leader
    try {
      leader = this.#router.leaderOf(topic, partition)
    } catch (error) {
      if (error instanceof TributaryError) return error
      throw error
    }
    try {
      return await call(leader.client)
    } catch (error) {
      this.#router.discard(leader)
      if (error instanceof TributaryError && !error.retriable) return error
      return new TributaryError(
        ErrorCode.NetworkException,
        `The leader of ${topic}-${partition} (broker ${leader.brokerId}) could not be reached`,
        { cause: error, retriable: true },
      )
    }
  }
}
