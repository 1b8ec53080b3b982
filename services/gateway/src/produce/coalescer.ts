import {
  type Acks,
  encodeRecordBatch,
  type RecordInput,
  TributaryError,
  toErrorData,
} from '@tributary/core'
import { RECORD_BATCH_OVERHEAD } from './record-size.ts'

/** What became of one record: where it was written (null with acks=0: never told), or why not. */
export type RecordOutcome =
  | { readonly ok: true; readonly offset: number | null; readonly timestamp: number }
  | { readonly ok: false; readonly error: TributaryError }

/** Sends one encoded batch to a partition's leader; resolves with its base offset (null: acks=0). */
export type SendBatch = (
  topic: string,
  partition: number,
  batch: Uint8Array,
  acks: Acks,
) => Promise<{ baseOffset: number | null; logAppendTime: number }>

export interface CoalescerOptions {
  readonly send: SendBatch
  /** 0: a batch leaves on the next event-loop turn; otherwise at most this many ms later. */
  readonly lingerMs: number
  /** Batches of one partition in flight at once (for each acks: see {@link Coalescer}). */
  readonly maxInFlight: number
  /** Hears each batch sent: its record count and size. */
  readonly onBatch?: (records: number, bytes: number) => void
}

/** One produce request's records for one partition, settled record by record. */
interface Entry {
  readonly records: readonly RecordInput[]
  /** Upper bounds on each record's size in a batch. */
  readonly sizes: readonly number[]
  readonly outcomes: RecordOutcome[]
  remaining: number
  readonly resolve: (outcomes: RecordOutcome[]) => void
}

/** The part of an entry that waits (an entry larger than one batch leaves in pieces). */
interface Waiting {
  readonly entry: Entry
  from: number
}

interface Slice {
  readonly entry: Entry
  readonly from: number
  readonly to: number
}

interface PartitionQueue {
  readonly topic: string
  readonly partition: number
  /** Every batch of the queue is sent with these acks. */
  readonly acks: Acks
  readonly waiting: Waiting[]
  waitingBytes: number
  maxBatchBytes: number
  inFlight: number
  /** Cancels the scheduled send, when one is scheduled. */
  cancel: (() => void) | undefined
}

/**
 * Gathers concurrent produce requests for one partition into one RecordBatch. The first records
 * to arrive for an idle partition wait for the linger (by default only until the next event-loop
 * turn, so every request that arrived meanwhile joins them); a queue that reaches the batch size
 * leaves at once. Each batch holds at most `maxBatchBytes` (the topic's max.message.bytes, capped
 * by the gateway's own limit), whole requests where they fit, a large request split across
 * batches. Each record learns its own offset: the batch's base offset plus its index in it. A
 * failed batch fails only the records in it.
 *
 * Requests with different acks never share a batch, since acks belongs to the whole produce
 * request: each (partition, acks) pair has its own queue, as if each acks were its own Kafka
 * producer, so requests with different acks are not ordered against each other.
 *
 * Records must arrive with their timestamps set and each small enough for a batch of its own.
 */
export class Coalescer {
  readonly #options: CoalescerOptions
  readonly #queues = new Map<string, PartitionQueue>()
  #open = 0
  #idle: (() => void)[] = []

  constructor(options: CoalescerOptions) {
    this.#options = options
  }

  /** Records not yet settled. */
  get pendingRecords(): number {
    return this.#open
  }

  append(
    topic: string,
    partition: number,
    acks: Acks,
    records: readonly RecordInput[],
    sizes: readonly number[],
    maxBatchBytes: number,
  ): Promise<RecordOutcome[]> {
    if (records.length === 0) return Promise.resolve([])
    return new Promise((resolve) => {
      const entry: Entry = {
        records,
        sizes,
        outcomes: new Array(records.length),
        remaining: records.length,
        resolve,
      }
      this.#open += records.length
      const queue = this.#queue(topic, partition, acks)
      queue.maxBatchBytes = maxBatchBytes
      queue.waiting.push({ entry, from: 0 })
      for (const size of sizes) queue.waitingBytes += size
      if (RECORD_BATCH_OVERHEAD + queue.waitingBytes >= maxBatchBytes) this.#drain(queue)
      else this.#schedule(queue)
    })
  }

  /** Sends everything waiting now and resolves once every record has settled. */
  async flush(): Promise<void> {
    for (const queue of this.#queues.values()) this.#drain(queue)
    if (this.#open === 0) return
    await new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  #queue(topic: string, partition: number, acks: Acks): PartitionQueue {
    const key = queueKey(topic, partition, acks)
    let queue = this.#queues.get(key)
    if (queue === undefined) {
      queue = {
        topic,
        partition,
        acks,
        waiting: [],
        waitingBytes: 0,
        maxBatchBytes: 0,
        inFlight: 0,
        cancel: undefined,
      }
      this.#queues.set(key, queue)
    }
    return queue
  }

  #schedule(queue: PartitionQueue): void {
    if (queue.cancel !== undefined || queue.inFlight >= this.#options.maxInFlight) return
    const fire = () => {
      queue.cancel = undefined
      this.#drain(queue)
    }
    if (this.#options.lingerMs === 0) {
      const immediate = setImmediate(fire)
      queue.cancel = () => clearImmediate(immediate)
    } else {
      const timeout = setTimeout(fire, this.#options.lingerMs)
      queue.cancel = () => clearTimeout(timeout)
    }
  }

  #drain(queue: PartitionQueue): void {
    queue.cancel?.()
    queue.cancel = undefined
    while (queue.inFlight < this.#options.maxInFlight && queue.waiting.length > 0) {
      const slices = this.#take(queue)
      queue.inFlight++
      void this.#send(queue, slices).finally(() => {
        queue.inFlight--
        if (queue.waiting.length > 0) this.#drain(queue)
        else if (queue.inFlight === 0)
          this.#queues.delete(queueKey(queue.topic, queue.partition, queue.acks))
      })
    }
  }

  /** The next batch's records: from the front of the queue, up to the batch size. */
  #take(queue: PartitionQueue): Slice[] {
    const slices: Slice[] = []
    let bytes = RECORD_BATCH_OVERHEAD
    let count = 0
    while (queue.waiting.length > 0) {
      const waiting = queue.waiting[0] as Waiting
      const { entry } = waiting
      let to = waiting.from
      while (to < entry.records.length) {
        const size = entry.sizes[to] as number
        if (count > 0 && bytes + size > queue.maxBatchBytes) break
        bytes += size
        queue.waitingBytes -= size
        count++
        to++
      }
      if (to > waiting.from) slices.push({ entry, from: waiting.from, to })
      if (to < entry.records.length) {
        waiting.from = to
        break
      }
      queue.waiting.shift()
    }
    return slices
  }

  async #send(queue: PartitionQueue, slices: readonly Slice[]): Promise<void> {
    const records: RecordInput[] = []
    for (const slice of slices) {
      for (let i = slice.from; i < slice.to; i++)
        records.push(slice.entry.records[i] as RecordInput)
    }
    let result: { baseOffset: number | null; logAppendTime: number }
    try {
      const batch = encodeRecordBatch(records)
      this.#options.onBatch?.(records.length, batch.length)
      result = await this.#options.send(queue.topic, queue.partition, batch, queue.acks)
    } catch (error) {
      const failure =
        error instanceof TributaryError
          ? error
          : new TributaryError(toErrorData(error).code, 'Unexpected failure while producing', {
              cause: error,
            })
      for (const slice of slices) {
        for (let i = slice.from; i < slice.to; i++)
          this.#settle(slice.entry, i, { ok: false, error: failure })
      }
      return
    }
    let index = 0
    for (const slice of slices) {
      for (let i = slice.from; i < slice.to; i++) {
        const timestamp =
          result.logAppendTime >= 0
            ? result.logAppendTime
            : ((records[index] as RecordInput).timestamp ?? -1)
        const offset = result.baseOffset === null ? null : result.baseOffset + index
        this.#settle(slice.entry, i, { ok: true, offset, timestamp })
        index++
      }
    }
  }

  #settle(entry: Entry, index: number, outcome: RecordOutcome): void {
    entry.outcomes[index] = outcome
    entry.remaining--
    if (entry.remaining === 0) entry.resolve(entry.outcomes)
    this.#open--
    if (this.#open === 0) {
      const idle = this.#idle
      this.#idle = []
      for (const resolve of idle) resolve()
    }
  }
}

function queueKey(topic: string, partition: number, acks: Acks): string {
  return `${acks}:${partition}:${topic}`
}
