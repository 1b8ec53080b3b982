import { randomUUID } from 'node:crypto'
import {
  ErrorCode,
  type GroupResult,
  type InstanceConfig,
  type Logger,
  lastOffsetOf,
  type OwnedPartition,
  type RecordView,
  readBatchHeader,
  splitBatches,
  TributaryError,
  walkRecordBatch,
} from '@tributary/core'
import type { GatewayConfig } from '../config/index.ts'
import type { PartitionReader } from '../fetch/index.ts'
import type { GatewayMetrics } from '../metrics/index.ts'
import { partitionFraming, type RecordsFraming, RecordsWriter } from '../records/index.ts'
import type { CoordinatorClient } from './coordinator-client.ts'

/** A `poll` answer: the instance's config, its member epoch, and the partitions it reads now. */
export type PollAnswer = GroupResult<'poll'>

/** The pause before polling again when a round found nothing to read (no partitions yet). */
const REPOLL_MS = 100
/** The least a read asks of each partition, however many it reads (unless the cap is lower). */
const MIN_PARTITION_FETCH_BYTES = 256 * 1024
/** How long past its wait a fetch may take (leader retries) before the round goes on without it. */
const FETCH_GRACE_MS = 2000

/** One read of a consumer instance's records. */
export interface ReadRequest {
  readonly group: string
  readonly instance: string
  /** The wait the request asked for (`timeout`), ms; undefined: the instance's, else the gateway's. */
  readonly timeoutMs: number | undefined
  /** The bytes the request asked for (`max_bytes`); undefined: the gateway's cap. */
  readonly maxBytes: number | undefined
  /** Stops the read: nothing more is delivered and what was not yet delivered is dropped. */
  readonly signal?: AbortSignal | undefined
}

type Fetched =
  /** Fetch responses as the leader sent them: stored batches, the first may start early. */
  | { readonly kind: 'batches'; readonly chunks: readonly Uint8Array[] }
  | { readonly kind: 'out-of-range' }
  | { readonly kind: 'error'; readonly error: unknown }

interface Taken {
  /** The records taken from each partition, rendered, by partition index. */
  readonly writers: Map<number, RecordsWriter>
  /** The offset of the last record taken, by partition index. */
  readonly last: Map<number, number>
}

/** What a read returns: how many records, and the response body holding them. */
export interface RecordsBody {
  readonly count: number
  /** A JSON array of records, or `record` events back to back, by the framing asked for. */
  readonly body: Uint8Array<ArrayBuffer>
}

/**
 * A consumer instance's read, done by the stateless gateway: `poll` the coordinator for the
 * partitions the instance owns and their positions, resolve positions it has never had (by
 * auto.offset.reset, with ListOffsets), fetch every partition from its leader at once, take the
 * first results that bring records (and whatever else has arrived by then), trim them to the
 * byte cap in partition order, tell the coordinator what is about to be `delivered`, and return
 * only the records of the partitions it accepted. Results that arrive later are dropped: their
 * positions were not advanced, so the next read fetches them again. Used by the records route
 * and by the event stream alike.
 */
export class Poller {
  readonly #coordinator: CoordinatorClient
  readonly #reader: PartitionReader
  readonly #config: GatewayConfig
  readonly #metrics: GatewayMetrics
  readonly #logger: Logger

  constructor(options: {
    coordinator: CoordinatorClient
    reader: PartitionReader
    config: GatewayConfig
    metrics: GatewayMetrics
    logger: Logger
  }) {
    this.#coordinator = options.coordinator
    this.#reader = options.reader
    this.#config = options.config
    this.#metrics = options.metrics
    this.#logger = options.logger
  }

  /** The instance's heartbeat: what it owns now and where it reads each partition. */
  poll(group: string, instance: string): Promise<PollAnswer> {
    return this.#coordinator.call({ op: 'poll', group, instance })
  }

  /**
   * How long a read waits: the request's `timeout`, at most the instance's
   * consumer.request.timeout.ms (else the gateway default), at most the gateway's limit.
   */
  waitMs(config: InstanceConfig, askedMs: number | undefined): number {
    const instanceMs = config.requestTimeoutMs ?? this.#config.consumerRequestTimeoutMs
    return Math.min(askedMs ?? instanceMs, instanceMs, this.#config.fetchTimeoutLimitMs)
  }

  /**
   * Records for the instance, starting from a `poll` answer the caller already has: as soon as
   * there are some (fetch.min.bytes worth when set), else an empty list when the wait is over.
   */
  async read(
    request: ReadRequest,
    first: PollAnswer,
    framing: RecordsFraming = 'json-array',
  ): Promise<RecordsBody> {
    const deadline = Date.now() + this.waitMs(first.config, request.timeoutMs)
    const cap = Math.min(
      request.maxBytes ?? this.#config.consumerRequestMaxBytes,
      this.#config.consumerRequestMaxBytes,
    )
    let answer = first
    for (;;) {
      const records = await this.#round(request, answer, deadline, cap, framing)
      if (records.count > 0 || aborted(request.signal)) return records
      const remaining = deadline - Date.now()
      if (remaining <= 0) return records
      await pause(Math.min(REPOLL_MS, remaining), request.signal)
      if (aborted(request.signal) || Date.now() >= deadline) return emptyBody(framing)
      answer = await this.poll(request.group, request.instance)
    }
  }

  async #round(
    request: ReadRequest,
    answer: PollAnswer,
    deadline: number,
    cap: number,
    framing: RecordsFraming,
  ): Promise<RecordsBody> {
    const { config, partitions } = answer
    if (partitions.length === 0) return emptyBody(framing)
    const starts = await Promise.all(
      partitions.map((owned) => owned.position ?? this.#reset(owned, config, null)),
    )
    const fetched = await this.#fetchAll(partitions, starts, deadline, cap, config, request.signal)
    if (aborted(request.signal)) return emptyBody(framing)
    // Every partition failed: the read fails with the first reason rather than answering [].
    const first = fetched[0]
    if (first?.kind === 'error' && fetched.every((result) => result?.kind === 'error')) {
      throw first.error
    }
    await Promise.all(
      partitions.map(async (owned, index) => {
        if (fetched[index]?.kind !== 'out-of-range') return
        starts[index] = await this.#reset(owned, config, starts[index] ?? null)
      }),
    )
    // Rendered before anything is delivered: a record the format cannot show (40601) advances nothing.
    const { writers, last } = takeWithin(partitions, fetched, starts, cap, config.format, framing)
    const advances = partitions.flatMap((owned, index) => {
      const start = starts[index] as number
      const upTo = last.get(index)
      const moved = owned.position === null || fetched[index]?.kind === 'out-of-range'
      if (upTo === undefined && !moved) return []
      const to = upTo === undefined ? start : upTo + 1
      return [{ topic: owned.topic, partition: owned.partition, from: owned.position, start, to }]
    })
    if (advances.length === 0 || aborted(request.signal)) return emptyBody(framing)
    const { accepted } = await this.#coordinator.call({
      op: 'delivered',
      group: request.group,
      instance: request.instance,
      memberEpoch: answer.memberEpoch,
      pollId: randomUUID(),
      advances,
    })
    const ok = new Set(accepted.map((tp) => `${tp.partition}:${tp.topic}`))
    const parts: RecordsWriter[] = []
    for (const [index, writer] of writers) {
      const owned = partitions[index] as OwnedPartition
      if (ok.has(`${owned.partition}:${owned.topic}`)) parts.push(writer)
    }
    const records = joinBodies(parts, framing)
    this.#metrics.consumedRecords.inc(records.count)
    return records
  }

  /**
   * Where a partition starts when it has no position (`from` null) or its position is out of
   * range: the log start or the high watermark by auto.offset.reset; OFFSET_OUT_OF_RANGE for
   * `none`.
   */
  async #reset(owned: OwnedPartition, config: InstanceConfig, from: number | null) {
    const name = `${owned.topic}-${owned.partition}`
    if (config.autoOffsetReset === 'none') {
      throw new TributaryError(
        ErrorCode.OffsetOutOfRange,
        from === null
          ? `${name} has no committed offset and auto.offset.reset is none`
          : `offset ${from} of ${name} is out of range and auto.offset.reset is none`,
      )
    }
    const offsets = await this.#reader.offsets(owned.topic, owned.partition)
    return config.autoOffsetReset === 'earliest' ? offsets.beginning : offsets.end
  }

  /**
   * Fetches every partition at once and answers with what has arrived when the first result
   * with records does (with fetch.min.bytes: once that many bytes have, a partition that brought
   * too few fetched again after them), or when every fetch has come back.
   */
  #fetchAll(
    partitions: readonly OwnedPartition[],
    starts: readonly number[],
    deadline: number,
    cap: number,
    config: InstanceConfig,
    signal: AbortSignal | undefined,
  ): Promise<(Fetched | undefined)[]> {
    return new Promise((resolve) => {
      const results: (Fetched | undefined)[] = partitions.map(() => undefined)
      let pending = partitions.length
      let bytes = 0
      let done = false
      let finishing = false
      // Results that arrive in the same turn as the first one with records come along too.
      const finishSoon = () => {
        if (finishing) return
        finishing = true
        setImmediate(finish)
      }
      const finish = () => {
        if (done) return
        done = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', finish)
        resolve([...results])
      }
      const timer = setTimeout(finish, Math.max(0, deadline - Date.now()) + FETCH_GRACE_MS)
      signal?.addEventListener('abort', finish, { once: true })
      // A share of the cap from each partition (as Kafka's max.partition.fetch.bytes bounds each
      // partition of a fetch), not the whole cap from every one: what exceeds the cap would be
      // read, checked and thrown away. A floor keeps many-partition reads from crawling.
      const perPartition = Math.max(
        Math.ceil(cap / partitions.length),
        Math.min(cap, MIN_PARTITION_FETCH_BYTES),
      )
      const fetchOne = async (owned: OwnedPartition, index: number): Promise<void> => {
        const chunks: Uint8Array[] = []
        let offset = starts[index] as number
        for (;;) {
          const chunk = await this.#reader.readBatches({
            topic: owned.topic,
            partition: owned.partition,
            offset,
            maxBytes: perPartition,
            timeoutMs: Math.max(0, deadline - Date.now()),
          })
          if (done) return
          if (chunk.length === 0) return
          chunks.push(chunk)
          // fetch.min.bytes counts what the leader returned, as Kafka's does.
          bytes += chunk.length
          results[index] = { kind: 'batches', chunks }
          if (config.fetchMinBytes <= 0 || bytes >= config.fetchMinBytes) return finishSoon()
          if (Date.now() >= deadline) return
          offset = lastOffsetIn(chunk) + 1
        }
      }
      partitions.forEach((owned, index) => {
        fetchOne(owned, index)
          .catch((error: unknown) => {
            if (done) return
            const outOfRange =
              error instanceof TributaryError && error.code === ErrorCode.OffsetOutOfRange
            // Records already fetched stay; the failure shows only if nothing came.
            if (results[index] !== undefined) return
            results[index] = outOfRange ? { kind: 'out-of-range' } : { kind: 'error', error }
            if (!outOfRange) {
              this.#logger.debug(
                { err: error, topic: owned.topic, partition: owned.partition },
                'a consumer fetch failed',
              )
            }
          })
          .finally(() => {
            pending--
            if (pending === 0) finish()
          })
      })
    })
  }
}

/** The offset of the last record of the last batch in a fetch response. */
function lastOffsetIn(chunk: Uint8Array): number {
  const batches = splitBatches(chunk)
  const last = batches.at(-1)
  if (last === undefined) throw new Error('a non-empty fetch response holds no batch')
  return lastOffsetOf(readBatchHeader(last))
}

/**
 * The fetched records from each partition's start on, in partition order, rendered, up to `cap`
 * bytes of unencoded keys and values (the REST Proxy's count); the first record always fits.
 * Records are rendered straight from the batch bytes into one writer per partition.
 */
function takeWithin(
  partitions: readonly OwnedPartition[],
  fetched: readonly (Fetched | undefined)[],
  starts: readonly number[],
  cap: number,
  format: InstanceConfig['format'],
  framing: RecordsFraming,
): Taken {
  const writers = new Map<number, RecordsWriter>()
  const last = new Map<number, number>()
  let total = 0
  let taken = 0
  let full = false
  for (const [index, result] of fetched.entries()) {
    if (result?.kind !== 'batches') continue
    const owned = partitions[index] as OwnedPartition
    const part = partitionFraming(owned.topic, owned.partition)
    // About twice the batch bytes: base64 is 4/3 of the bytes, JSON adds ~100 bytes a record.
    const fetchedBytes = result.chunks.reduce((sum, chunk) => sum + chunk.length, 0)
    const capacity = Math.min(Math.ceil(fetchedBytes * 2.2) + 1024, cap * 3 + 64 * 1024)
    const writer = new RecordsWriter(framing === 'json-array' ? 'json-items' : framing, capacity)
    const start = starts[index] as number
    const visit = (view: RecordView): boolean => {
      if (view.offset < start) return true
      const size = Math.max(0, view.keyLength) + Math.max(0, view.valueLength)
      if (taken > 0 && total + size > cap) {
        full = true
        return false
      }
      total += size
      taken++
      writer.add(part, view, format)
      last.set(index, view.offset)
      return true
    }
    for (const chunk of result.chunks) {
      for (const batch of splitBatches(chunk)) {
        walkRecordBatch(batch, visit)
        if (full) break
      }
      if (full) break
    }
    if (writer.count > 0) writers.set(index, writer)
    if (full) break
  }
  return { writers, last }
}

/** The partitions' records as one body: a JSON array, or the events back to back. */
function joinBodies(writers: readonly RecordsWriter[], framing: RecordsFraming): RecordsBody {
  if (writers.length === 0) return emptyBody(framing)
  const [only] = writers
  if (writers.length === 1 && only !== undefined) {
    const body = framing === 'json-array' ? only.finishArray() : only.finish()
    return { count: only.count, body }
  }
  let count = 0
  const pieces: Uint8Array[] = []
  if (framing === 'json-array') pieces.push(OPEN)
  for (const [i, writer] of writers.entries()) {
    if (framing === 'json-array' && i > 0) pieces.push(COMMA)
    pieces.push(writer.finish())
    count += writer.count
  }
  if (framing === 'json-array') pieces.push(CLOSE)
  return { count, body: Buffer.concat(pieces) }
}

const OPEN = Uint8Array.of(0x5b)
const COMMA = Uint8Array.of(0x2c)
const CLOSE = Uint8Array.of(0x5d)
const EMPTY_ARRAY = Uint8Array.of(0x5b, 0x5d)

function emptyBody(framing: RecordsFraming): RecordsBody {
  return { count: 0, body: framing === 'json-array' ? EMPTY_ARRAY : new Uint8Array(0) }
}

/** Whether the read was stopped (a function, so the check is not narrowed away across awaits). */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
