/**
 * @tributary/storage: the partition log. Kafka RecordBatch v2 batches in SQLite segment files,
 * reached through a driver seam so the same code runs on Node, Bun and Deno; and the embedded
 * metadata backend (metadata log and controller election in one SQLite file) for combined mode.
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
export type {
  EmbeddedControllerElectionOptions,
  EmbeddedMetadataLogOptions,
  MetadataFileOptions,
  MetadataLocation,
} from './metadata-log/index.ts'
export {
  DEFAULT_CANDIDATE_POLL_INTERVAL_MS,
  DEFAULT_CONTROLLER_LEASE_MS,
  DEFAULT_METADATA_BUSY_TIMEOUT_MS,
  DEFAULT_METADATA_POLL_INTERVAL_MS,
  EmbeddedControllerElection,
  EmbeddedMetadataLog,
  METADATA_FILE,
} from './metadata-log/index.ts'
export type { SegmentSummary } from './segment/index.ts'
