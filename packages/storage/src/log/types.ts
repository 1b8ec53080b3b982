import type { Logger } from '@tributary/core'
import type { SqlDriver } from '../driver/index.ts'
import type { LogConfigInput } from './config.ts'

export interface PartitionLogOptions {
  /** The partition's directory; created if missing. */
  readonly dir: string
  readonly config?: LogConfigInput
  readonly logger?: Logger
  /** Wall clock in ms: segment age, retention, LogAppendTime. Default Date.now. */
  readonly now?: () => number
  /** Default: the driver for the current runtime (see loadDriver). */
  readonly driver?: SqlDriver
}

/** Where an appended batch landed. */
export interface AppendResult {
  readonly baseOffset: number
  readonly lastOffset: number
  /** The broker's append time when the topic uses LogAppendTime, else -1 (as in Kafka). */
  readonly logAppendTime: number
}

export interface ReadResult {
  /** Whole stored batches, bytes exactly as stored, in offset order. */
  readonly batches: Uint8Array[]
  /** Total size of `batches`. */
  readonly sizeBytes: number
  /** The offset after the last batch returned; `fromOffset` when none was. */
  readonly nextOffset: number
}

export interface DeletedSegment {
  readonly baseOffset: number
  readonly nextOffset: number
  readonly sizeBytes: number
  readonly reason: 'retention-ms' | 'retention-bytes' | 'log-start-offset'
}

export interface DeletionResult {
  readonly deletedSegments: DeletedSegment[]
  readonly logStartOffset: number
}

/** Counters for observability and tests. */
export interface PartitionLogStats {
  /** SQLite transactions that stored appended batches: one per group commit (per segment). */
  readonly commits: number
  readonly appendedBatches: number
  readonly appendedBytes: number
  readonly segmentsRolled: number
}
