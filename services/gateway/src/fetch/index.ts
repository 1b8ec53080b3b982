/**
 * The stateless partition read: records from an offset, fetched from the partition's leader.
 */
export type { PartitionRead } from './partition-reader.ts'
export { PartitionReader } from './partition-reader.ts'
