/**
 * The load around the consumers of the consumer-group fault scenario: a producer sending unique
 * values to every partition (one lane per partition, so a partition without a leader stalls
 * only its own lane) and recording each outcome; an observer reading the group's committed
 * offsets twice a round, through v3 lags and through a v2 instance's `GET …/offsets`; and a
 * watcher recording each change of the broker that coordinates the group.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { b64, call, getWithBody, V2, V2_BINARY } from '../harness/rest.ts'
import { type ClusterApi, coordinatorOf, lagsOf, type PartitionLag } from './consumers-cluster.ts'
import type { HistoryRecorder, Outcome, PartitionOffset } from './consumers-history.ts'

/** A produce's client bound: past the gateway's delivery timeout, so an answer usually comes. */
const PRODUCE_TIMEOUT_MS = 20_000
/** Creating the observer's instance gives up after this. */
const CREATE_TIMEOUT_MS = 15_000

export interface ProducerOptions {
  readonly gateway: string
  readonly topic: string
  readonly partitions: number
  /** Prefixes every value, which is `<prefix>-<partition>-<n>`. */
  readonly prefix: string
  readonly recordsPerRequest: number
  /** The pause between one lane's requests. */
  readonly intervalMs: number
  readonly recorder: HistoryRecorder
}

/** Sends unique values to each partition until stopped, recording each record's outcome. */
export class Producer {
  readonly #options: ProducerOptions
  #stopping = false
  #lanes: Promise<void>[] = []

  constructor(options: ProducerOptions) {
    this.#options = options
  }

  start(): void {
    if (this.#lanes.length > 0) return
    for (let partition = 0; partition < this.#options.partitions; partition++) {
      this.#lanes.push(this.#lane(partition))
    }
  }

  /** Stops every lane once its request in flight is answered. */
  async stop(): Promise<void> {
    this.#stopping = true
    await Promise.all(this.#lanes)
  }

  async #lane(partition: number): Promise<void> {
    const { gateway, topic, prefix, recordsPerRequest, intervalMs, recorder } = this.#options
    for (let n = 0; !this.#stopping; ) {
      const values = Array.from(
        { length: recordsPerRequest },
        () => `${prefix}-${partition}-${n++}`,
      )
      const invokeMs = recorder.now()
      let status = 0
      let offsets: { offset?: number | null; error_code?: number | null }[] = []
      try {
        const reply = await call(`${gateway}/topics/${topic}/partitions/${partition}`, {
          method: 'POST',
          contentType: V2_BINARY,
          json: { records: values.map((value) => ({ value: b64(value) })) },
          signal: AbortSignal.timeout(PRODUCE_TIMEOUT_MS),
        })
        status = reply.status
        offsets = reply.body?.offsets ?? []
      } catch {
        // Unanswered: every record's outcome is unknown.
      }
      const completeMs = recorder.now()
      values.forEach((value, index) => {
        const entry = offsets[index]
        const acknowledged =
          status === 200 && entry?.error_code == null && typeof entry?.offset === 'number'
        // A refusal (4xx) is definite; anything else may have been written.
        const outcome: Outcome = acknowledged
          ? 'ok'
          : status >= 400 && status < 500
            ? 'failed'
            : 'unknown'
        recorder.produced.push({
          partition,
          value,
          outcome,
          offset: acknowledged ? (entry?.offset as number) : null,
          invokeMs,
          completeMs,
        })
      })
      await sleep(intervalMs)
    }
  }
}

export interface ObserverOptions {
  readonly api: ClusterApi
  readonly group: string
  readonly topic: string
  readonly partitions: number
  readonly intervalMs: number
  readonly recorder: HistoryRecorder
}

/** A 40403 the observer got: its instance was gone after `idleMs` without a request. */
export interface LostInstance {
  readonly instance: string
  readonly atMs: number
  readonly idleMs: number
}

/**
 * Reads the group's committed offsets until stopped: v3 lags (no instance needed), and v2
 * `GET …/offsets` through an instance of its own that subscribes to nothing (so it never owns
 * a partition), made again whenever it is gone (40403; each loss noted in `lost`, since
 * instances are to survive coordinator moves).
 */
export class OffsetsObserver {
  readonly #options: ObserverOptions
  #stopping = false
  #loop: Promise<void> | undefined
  #instance: string | undefined
  #created = 0
  /** When its instance's latest request (or its creation) was sent. */
  #lastSentMs = 0
  /** The last lags read (committed offsets and high watermarks). */
  lastLags: readonly PartitionLag[] | undefined
  /** Each time its instance was gone. */
  readonly lost: LostInstance[] = []

  constructor(options: ObserverOptions) {
    this.#options = options
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  async stop(): Promise<void> {
    this.#stopping = true
    await this.#loop
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      await this.#readLags()
      await this.#readOffsets()
      await sleep(this.#options.intervalMs)
    }
    if (this.#instance !== undefined) {
      await call(this.#base(this.#instance), {
        method: 'DELETE',
        headers: { 'content-type': V2 },
      }).catch(() => undefined)
    }
  }

  #base(instance: string): string {
    const { api, group } = this.#options
    return `${api.gateway}/consumers/${group}/instances/${instance}`
  }

  async #readLags(): Promise<void> {
    const { api, group, topic, recorder } = this.#options
    const invokeMs = recorder.now()
    const lags = await lagsOf(api, group, topic).catch(() => undefined)
    if (lags === undefined) return
    this.lastLags = lags
    recorder.committedReads.push({
      source: 'v3-lags',
      invokeMs,
      completeMs: recorder.now(),
      offsets: lags.flatMap((lag) =>
        lag.committed === null ? [] : [{ partition: lag.partition, offset: lag.committed }],
      ),
    })
  }

  async #readOffsets(): Promise<void> {
    const { api, group, topic, recorder } = this.#options
    if (this.#instance === undefined) {
      const name = `observer-${++this.#created}`
      this.#lastSentMs = recorder.now()
      const created = await call(`${api.gateway}/consumers/${group}`, {
        method: 'POST',
        json: { name, format: 'binary' },
        signal: AbortSignal.timeout(CREATE_TIMEOUT_MS),
      }).catch(() => undefined)
      if (created?.status !== 200) return
      this.#instance = name
    }
    const invokeMs = recorder.now()
    // The REST Proxy's GET with a body; the gateway answers within its coordinator retry bound.
    const partitions = Array.from({ length: this.#options.partitions }, (_, partition) => ({
      topic,
      partition,
    }))
    const reply = await getWithBody(`${this.#base(this.#instance)}/offsets`, { partitions }).catch(
      () => undefined,
    )
    if (reply?.status === 404 && reply.body?.error_code === 40403) {
      const atMs = recorder.now()
      this.lost.push({ instance: this.#instance, atMs, idleMs: atMs - this.#lastSentMs })
      this.#instance = undefined
    }
    this.#lastSentMs = invokeMs
    if (reply?.status !== 200) return
    const offsets = (reply.body.offsets as (PartitionOffset & { topic: string })[])
      .filter((offset) => offset.topic === topic)
      .map(({ partition, offset }) => ({ partition, offset }))
    recorder.committedReads.push({
      source: 'v2-offsets',
      invokeMs,
      completeMs: recorder.now(),
      offsets,
    })
  }
}

export interface WatcherOptions {
  readonly api: ClusterApi
  readonly group: string
  readonly intervalMs: number
  readonly recorder: HistoryRecorder
}

/**
 * Reads where the group's coordinator is until stopped, and records each change of its broker
 * (or of whether there is one) as an `observed` coordinator move: the checker must not take a
 * member's ownership as continuous across one. It catches the moves the scenario does not cause
 * directly, such as the leadership going back to the preferred replica once a killed broker is
 * back. A move and its return between two reads go unseen; leadership changes through the
 * controller take longer than the interval.
 */
export class CoordinatorWatcher {
  readonly #options: WatcherOptions
  #stopping = false
  #loop: Promise<void> | undefined

  constructor(options: WatcherOptions) {
    this.#options = options
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  async stop(): Promise<void> {
    this.#stopping = true
    await this.#loop
  }

  async #run(): Promise<void> {
    const { api, group, intervalMs, recorder } = this.#options
    // The latest read that showed the coordinator as it was last seen.
    let last: { readonly leader: number | null; readonly invokeMs: number } | undefined
    while (!this.#stopping) {
      const invokeMs = recorder.now()
      // A read that fails shows nothing (`__consumer_offsets` not made yet, a gateway error).
      const seen = await coordinatorOf(api, group).catch(() => undefined)
      if (seen !== undefined) {
        if (last !== undefined && last.leader !== seen.leader) {
          recorder.coordinatorMoves.push({
            cause: 'observed',
            from: last.leader,
            to: seen.leader,
            invokeMs: last.invokeMs,
            completeMs: recorder.now(),
          })
        }
        last = { leader: seen.leader, invokeMs }
      }
      await sleep(intervalMs)
    }
  }
}
