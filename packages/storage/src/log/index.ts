export type { FlushMode, LogConfig, LogConfigInput } from './config.ts'
export {
  DEFAULT_FLUSH_MODE,
  DEFAULT_RECOVERY_BATCHES,
  defaultLogConfig,
  resolveLogConfig,
} from './config.ts'
export { PartitionLog } from './partition-log.ts'
export type { RetentionInput } from './retention.ts'
export { selectExpiredSegments } from './retention.ts'
export { shouldRoll } from './segment-set.ts'
export type {
  AppendResult,
  DeletedSegment,
  DeletionResult,
  PartitionLogOptions,
  PartitionLogStats,
  ReadResult,
} from './types.ts'
