/**
 * The fault workload, after Jepsen's Kafka queue test: producers send unique values to every
 * partition of one topic through a gateway and record each outcome; consumers read every
 * partition by offset with the stateless partition read and record what they saw, in order.
 * It runs until `stop`, while the scenario injects faults; `drainTopic` (drain.ts) then reads
 * everything once they have healed.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { GatewayClient } from '../gateway/index.ts'
import { type ConsumerLog, now, type Observed, type ProduceOperation } from '../history/index.ts'

export { drainTopic } from './drain.ts'

export interface WorkloadOptions {
  readonly gateway: GatewayClient
  readonly topic: string
  readonly partitions: number
  /** Producer loops per partition, each one request at a time (default 2). */
  readonly producersPerPartition?: number
  /** Values per produce request (default 1). */
  readonly valuesPerRequest?: number
  /** Consumer loops, each reading every partition (default 2). */
  readonly consumers?: number
  /** Starts every value, so values stay unique across workloads on one topic (default `v`). */
  readonly valuePrefix?: string
  /**
   * How long a produce request may take before its values count as unknown. Longer than the
   * gateway's wait on a paused leader, so what a resumed leader answers still reaches the history.
   */
  readonly produceTimeoutMs?: number
  /** How long a consumer's read waits for new records (default 100 ms). */
  readonly readWaitMs?: number
}

/** A running workload. */
export interface Workload {
  /** Every produce operation that has ended so far, in the order they ended. */
  readonly operations: readonly ProduceOperation[]
  /** Acknowledged operations so far that match `filter` (all by default). */
  acked(filter?: (operation: ProduceOperation) => boolean): number
  /**
   * Waits (up to `timeoutMs`) until `count` operations matching `filter` are acknowledged;
   * false if they were not (the cluster made no progress), never throws.
   */
  waitForAcks(
    count: number,
    options?: {
      readonly filter?: (operation: ProduceOperation) => boolean
      readonly timeoutMs?: number
    },
  ): Promise<boolean>
  /** Consumer reads answered with an error so far (a leader moving, a partition offline). */
  readonly readErrors: number
  /**
   * Stops every loop: produce requests still waiting are aborted and count as unknown. Answers
   * the operations and each consumer's reads.
   */
  stop(): Promise<{ operations: ProduceOperation[]; consumers: ConsumerLog[] }>
}

/** The default bound of {@link Workload.waitForAcks}. */
export const PROGRESS_TIMEOUT_MS = 60_000
/** See {@link WorkloadOptions.produceTimeoutMs}: above the gateway's 30 s request timeout. */
export const DEFAULT_PRODUCE_TIMEOUT_MS = 45_000
/** Pause after a produce that was not acknowledged, so a refusing cluster is not hammered. */
const RETRY_PAUSE_MS = 50

/** Starts the producers and consumers (see {@link WorkloadOptions}). */
export function startWorkload(options: WorkloadOptions): Workload {
  const stopping = new AbortController()
  const operations: ProduceOperation[] = []
  const consumerLogs: { consumer: string; reads: Observed[] }[] = []
  let readErrors = 0
  const prefix = options.valuePrefix ?? 'v'
  const perRequest = options.valuesPerRequest ?? 1

  const produceLoop = async (partition: number, producer: number) => {
    let sequence = 0
    while (!stopping.signal.aborted) {
      const values = Array.from(
        { length: perRequest },
        () => `${prefix}-${partition}.${producer}.${sequence++}`,
      )
      const startedAt = now()
      const outcomes = await options.gateway.produce(options.topic, partition, values, {
        timeoutMs: options.produceTimeoutMs ?? DEFAULT_PRODUCE_TIMEOUT_MS,
        signal: stopping.signal,
      })
      const endedAt = now()
      values.forEach((value, index) => {
        const outcome = outcomes[index] ?? { kind: 'unknown', error: 'no outcome' }
        operations.push({ value, partition, startedAt, endedAt, outcome })
      })
      if (outcomes.some((outcome) => outcome.kind !== 'acked')) await pause(RETRY_PAUSE_MS)
    }
  }

  const consumeLoop = async (reads: Observed[]) => {
    const next = Array.from({ length: options.partitions }, () => 0)
    while (!stopping.signal.aborted) {
      for (let partition = 0; partition < options.partitions; partition++) {
        if (stopping.signal.aborted) break
        try {
          const records = await options.gateway.read(
            options.topic,
            partition,
            next[partition] ?? 0,
            { waitMs: options.readWaitMs ?? 100, signal: stopping.signal },
          )
          for (const record of records) {
            reads.push(record)
            next[partition] = record.offset + 1
          }
        } catch {
          // A leader moving, a partition offline, an offset past a truncated end: the consumer
          // keeps its position (so its reads never go back on its own account) and tries again.
          if (!stopping.signal.aborted) readErrors++
          await pause(RETRY_PAUSE_MS)
        }
      }
    }
  }

  const pause = (ms: number) =>
    sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined)

  const loops: Promise<void>[] = []
  for (let partition = 0; partition < options.partitions; partition++) {
    for (let producer = 0; producer < (options.producersPerPartition ?? 2); producer++) {
      loops.push(produceLoop(partition, producer))
    }
  }
  for (let index = 0; index < (options.consumers ?? 2); index++) {
    const log = { consumer: `consumer-${index}`, reads: [] as Observed[] }
    consumerLogs.push(log)
    loops.push(consumeLoop(log.reads))
  }

  const acked = (filter: (operation: ProduceOperation) => boolean = () => true) =>
    operations.filter((operation) => operation.outcome.kind === 'acked' && filter(operation)).length

  return {
    operations,
    acked,
    get readErrors() {
      return readErrors
    },
    async waitForAcks(count, wait = {}) {
      const deadline = now() + (wait.timeoutMs ?? PROGRESS_TIMEOUT_MS)
      while (acked(wait.filter) < count) {
        if (now() > deadline || stopping.signal.aborted) return false
        await pause(50)
      }
      return true
    },
    async stop() {
      stopping.abort()
      await Promise.all(loops)
      return {
        operations: [...operations],
        consumers: consumerLogs.map((log) => ({ consumer: log.consumer, reads: [...log.reads] })),
      }
    },
  }
}
