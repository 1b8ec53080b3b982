/**
 * The record model: what a producer hands in and what a consumer gets back. Keys, values and
 * header values are bytes; a header key is a string (UTF-8 on the wire). Offsets and timestamps
 * are numbers (Kafka's int64 within the safe-integer range); a timestamp is milliseconds since
 * the Unix epoch.
 */

/** One record header. A record's headers are ordered and a key may repeat. */
export interface RecordHeader {
  readonly key: string
  readonly value: Uint8Array | null
}

/**
 * A record to be written. Named RecordInput rather than Record so it never shadows TypeScript's
 * built-in `Record<K, V>` in a file that imports it.
 */
export interface RecordInput {
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  /** Create time in ms; the encoder's clock when absent. */
  readonly timestamp?: number
  readonly headers?: readonly RecordHeader[]
}

/**
 * A record as stored in (and decoded from) a batch: its offset is assigned and its timestamp and
 * headers are always present. For a batch whose timestamp type is LogAppendTime, the timestamp
 * is the batch's append time, as in Kafka.
 */
export interface StoredRecord extends RecordInput {
  readonly offset: number
  readonly timestamp: number
  readonly headers: readonly RecordHeader[]
}
