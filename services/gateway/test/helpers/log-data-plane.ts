import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Acks,
  type BrokerEndpoint,
  type DataPlaneClient,
  type DataPlaneConnector,
  decodeRecordBatches,
  ErrorCode,
  errorCodeInfo,
  errorToWire,
  type FetchRequest,
  type FetchResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  NO_ERROR,
  OffsetSpec,
  type OffsetsForLeaderEpochRequest,
  type OffsetsForLeaderEpochResponse,
  type ProduceRequest,
  type ProduceResponse,
  TributaryError,
} from '@tributary/core'
import { PartitionLog } from '@tributary/storage'

/**
 * A test fixture standing in for a broker (the gateway may not depend on the broker service;
 * the root `test/` workspace runs the real one): Produce, Fetch, ListOffsets and
 * OffsetsForLeaderEpoch served from real partition logs (@tributary/storage) in a temporary
 * directory, one per topic-partition, with hooks to observe the batches that arrive and to inject
 * the failures a real broker or connection would produce.
 *
 * A produce with acks=0 behaves as over the TCP client: it resolves at once with no offsets (the
 * request is handed over; the broker never answers) while the append goes on behind it.
 */
export class LogDataPlane implements DataPlaneConnector {
  readonly dir = mkdtempSync(join(tmpdir(), 'gateway-test-'))
  readonly #logs = new Map<string, Promise<PartitionLog>>()
  /** Every produce request appended: topic, partition, its acks, and the records it carried. */
  readonly produced: {
    topic: string
    partition: number
    acks: Acks
    records: number
    bytes: number
    /** Each record's value as UTF-8 (null for a null value). */
    values: (string | null)[]
  }[] = []
  /** Answers the next produce requests (to `partition`, or any) with these errors instead of appending. */
  readonly failures: { code: ErrorCode; partition?: number }[] = []
  /** Rejects the next produce calls, as a lost connection does. */
  rejections = 0
  /** While set, produce requests wait for it before appending. */
  gate: Promise<void> | undefined
  /** Produce requests that reached the gate (whether or not it was closed). */
  arrived = 0
  readonly connected: number[] = []
  readonly maxMessageBytes: number | undefined
  /** acks=0 appends still going on, which nobody waits for but close(). */
  readonly #unanswered = new Set<Promise<unknown>>()

  constructor(options: { maxMessageBytes?: number } = {}) {
    this.maxMessageBytes = options.maxMessageBytes
  }

  connect(brokerId: number, _endpoint: BrokerEndpoint): DataPlaneClient {
    this.connected.push(brokerId)
    return {
      produce: (request) => this.#produce(request),
      fetch: (request) => this.#fetch(request),
      listOffsets: (request) => this.#listOffsets(request),
      offsetsForLeaderEpoch: (request) => this.#offsetsForLeaderEpoch(request),
      // No group coordinator here: the root test/ workspace runs the real one.
      group: async (request) => ({
        ok: false,
        error: {
          code: ErrorCode.NotCoordinator,
          message: `this test data plane coordinates no group (${request.op})`,
        },
      }),
      close: async () => {},
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#unanswered)
    for (const log of this.#logs.values()) await (await log).close()
    rmSync(this.dir, { recursive: true, force: true })
  }

  log(topic: string, partition: number): Promise<PartitionLog> {
    const key = `${topic}-${partition}`
    let log = this.#logs.get(key)
    if (log === undefined) {
      const config =
        this.maxMessageBytes === undefined ? {} : { maxMessageBytes: this.maxMessageBytes }
      log = PartitionLog.open({ dir: join(this.dir, key), config: { ...config, flushMode: 'os' } })
      this.#logs.set(key, log)
    }
    return log
  }

  async #produce(request: ProduceRequest): Promise<ProduceResponse> {
    if (this.rejections > 0) {
      this.rejections--
      throw new Error('connection reset')
    }
    if (request.acks !== Acks.None) return this.#append(request)
    // A failed acks=0 append is seen by nobody, as a broker's is (it only drops the connection).
    const appending = this.#append(request).catch(() => undefined)
    this.#unanswered.add(appending)
    void appending.then(() => this.#unanswered.delete(appending))
    return { ...NO_ERROR, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 }
  }

  async #append(request: ProduceRequest): Promise<ProduceResponse> {
    this.arrived++
    await this.gate
    const index = this.failures.findIndex(
      (failure) => failure.partition === undefined || failure.partition === request.partition,
    )
    const failure = index < 0 ? undefined : this.failures.splice(index, 1)[0]
    if (failure !== undefined) {
      return {
        errorCode: errorCodeInfo[failure.code].kafkaCode,
        errorMessage: `injected ${failure.code}`,
        baseOffset: -1,
        logAppendTime: -1,
        logStartOffset: -1,
      }
    }
    const view = new DataView(request.records.buffer, request.records.byteOffset)
    this.produced.push({
      topic: request.topic,
      partition: request.partition,
      acks: request.acks,
      records: view.getInt32(57),
      bytes: request.records.length,
      values: decodeRecordBatches(request.records).flatMap((batch) =>
        batch.records.map((record) =>
          record.value === null ? null : Buffer.from(record.value).toString('utf8'),
        ),
      ),
    })
    const log = await this.log(request.topic, request.partition)
    try {
      const result = await log.append(request.records, 0)
      log.setHighWatermark(log.logEndOffset)
      return {
        ...NO_ERROR,
        baseOffset: result.baseOffset,
        logAppendTime: result.logAppendTime,
        logStartOffset: log.logStartOffset,
      }
    } catch (error) {
      if (!(error instanceof TributaryError)) throw error
      return { ...errorToWire(error), baseOffset: -1, logAppendTime: -1, logStartOffset: -1 }
    }
  }

  async #fetch(request: FetchRequest): Promise<FetchResponse> {
    const log = await this.log(request.topic, request.partition)
    try {
      const read = log.read(request.fetchOffset, request.maxBytes, log.highWatermark)
      const records = new Uint8Array(read.sizeBytes)
      let at = 0
      for (const batch of read.batches) {
        records.set(batch, at)
        at += batch.length
      }
      return {
        ...NO_ERROR,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        records,
      }
    } catch (error) {
      if (!(error instanceof TributaryError)) throw error
      return {
        ...errorToWire(error),
        highWatermark: -1,
        logStartOffset: -1,
        logEndOffset: -1,
        records: new Uint8Array(0),
      }
    }
  }

  async #listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    const log = await this.log(request.topic, request.partition)
    const offset =
      request.timestamp === OffsetSpec.Earliest ? log.logStartOffset : log.highWatermark
    return {
      ...NO_ERROR,
      offset,
      highWatermark: log.highWatermark,
      logStartOffset: log.logStartOffset,
    }
  }

  /** As a leader answers it from its log's epoch history; no epoch fencing in this stand-in. */
  async #offsetsForLeaderEpoch(
    request: OffsetsForLeaderEpochRequest,
  ): Promise<OffsetsForLeaderEpochResponse> {
    const log = await this.log(request.topic, request.partition)
    const { epoch, endOffset } = log.endOffsetForEpoch(request.leaderEpoch)
    return { ...NO_ERROR, leaderEpoch: epoch, endOffset }
  }
}
