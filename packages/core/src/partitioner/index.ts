/**
 * Kafka's default partitioner: murmur2 of the key for keyed records (the same partition a Kafka
 * client would choose), round-robin for keyless ones.
 */
export { murmur2, toPositive } from './murmur2.ts'
export type { Partitioner, PartitionerOptions } from './partitioner.ts'
export { createPartitioner, partitionForKey } from './partitioner.ts'
