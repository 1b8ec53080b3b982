export type { PartitionCheckpoint } from './partition-state.ts'
export { PARTITION_STATE_FILE, PartitionStateFile } from './partition-state.ts'
