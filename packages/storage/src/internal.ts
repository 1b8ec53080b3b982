/**
 * What tests and sibling packages may need beyond the public entry: the schema (the metadata
 * file's tables too), the segment file naming, and the pure pieces (epoch cache, retention and
 * roll rules).
 */
export { PARTITION_STATE_FILE, PartitionStateFile } from './checkpoint/index.ts'
export { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './epoch/index.ts'
export type { RetentionInput } from './log/index.ts'
export { selectExpiredSegments, shouldRoll } from './log/index.ts'
export { controllerLease, metadataLogEntries } from './metadata-log/index.ts'
export {
  batches,
  createTableSql,
  partitionState,
  segmentEpochs,
  segmentInfo,
} from './schema/index.ts'
export type { BatchRow, EpochStart, Synchronous } from './segment/index.ts'
export { parseSegmentFileName, Segment, segmentFileName } from './segment/index.ts'
