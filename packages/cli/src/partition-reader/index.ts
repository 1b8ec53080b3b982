export type {
  PartitionBatch,
  PartitionStart,
  ReadPartitionsOptions,
} from './read.ts'
export { DEFAULT_MAX_BYTES, DEFAULT_POLL_TIMEOUT_MS, readPartitions } from './read.ts'
export type { StartPosition } from './starts.ts'
export { resolveStarts } from './starts.ts'
