/**
 * @tributary/storage: the partition log. Kafka RecordBatch v2 batches in SQLite segment files,
 * reached through a driver seam so the same code runs on Node, Bun and Deno.
 */
export type {
  SqlDatabase,
  SqlDriver,
  SqlDriverName,
  SqlRow,
  SqlRunResult,
  SqlStatement,
  SqlValue,
} from './driver/index.ts'
export { loadDriver } from './driver/index.ts'
export type { EpochEndOffset, EpochEntry } from './epoch/index.ts'
export type {
  AppendResult,
  DeletedSegment,
  DeletionResult,
  FlushMode,
  LogConfig,
  LogConfigInput,
  PartitionLogOptions,
  PartitionLogStats,
  ReadResult,
} from './log/index.ts'
export {
  DEFAULT_FLUSH_MODE,
  DEFAULT_RECOVERY_BATCHES,
  defaultLogConfig,
  PartitionLog,
  resolveLogConfig,
} from './log/index.ts'
export type { SegmentSummary } from './segment/index.ts'
