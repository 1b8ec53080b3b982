/**
 * What a fault workload records, in the shape of Jepsen's Kafka queue test: each produced value
 * with what its producer could tell of its fate, each record every consumer read in the order it
 * read them, and the final drain of every partition once the faults have healed. Plain data, so
 * the checker is a pure function of it and hand-made histories can test the checker.
 */

/** Milliseconds on a monotonic clock (performance.now): only compared with one another. */
export const now = (): number => performance.now()

/**
 * What became of one produced value, as far as its producer can tell. `acked`: the gateway
 * answered with its offset. `failed`: the answer says it was never appended. `unknown`: anything
 * else (a timeout, a dropped connection, a retriable error after retries that may have written
 * it): the value may or may not be in the log, now or later.
 */
export type ProduceOutcome =
  | { readonly kind: 'acked'; readonly partition: number; readonly offset: number }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'unknown'; readonly error: string }

/** One value sent to one partition, and its outcome. */
export interface ProduceOperation {
  readonly value: string
  /** The partition the producer named. */
  readonly partition: number
  /** When the request was sent and when its answer (or failure) came, on {@link now}'s clock. */
  readonly startedAt: number
  readonly endedAt: number
  readonly outcome: ProduceOutcome
}

/** One record as a reader saw it. */
export interface Observed {
  readonly partition: number
  readonly offset: number
  readonly value: string
}

/** Every record one consumer read, in the order it read them (all partitions interleaved). */
export interface ConsumerLog {
  readonly consumer: string
  readonly reads: readonly Observed[]
}

/** One partition as the final drain read it: every record from `startOffset` to `endOffset`. */
export interface DrainedPartition {
  readonly partition: number
  readonly startOffset: number
  /** The high watermark the drain read up to (exclusive). */
  readonly endOffset: number
  readonly records: readonly Observed[]
}

/** A whole run on one topic. */
export interface History {
  readonly operations: readonly ProduceOperation[]
  readonly consumers: readonly ConsumerLog[]
  readonly drain: readonly DrainedPartition[]
}
