export {
  claimPartitionDir,
  PARTITION_METADATA_FILE,
  parsePartitionDirName,
  partitionDirName,
  readTopicId,
} from './partition-dir.ts'
export { Replica } from './replica.ts'
export type { BrokerLogConfig, LedPartition, ReplicaManagerOptions } from './replica-manager.ts'
export { ReplicaManager } from './replica-manager.ts'
