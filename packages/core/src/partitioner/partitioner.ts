import { ErrorCode, TributaryError } from '../errors/index.ts'
import { murmur2, toPositive } from './murmur2.ts'

/** Chooses a partition in [0, numPartitions) for a record's key (null when it has none). */
export type Partitioner = (key: Uint8Array | null, numPartitions: number) => number

export interface PartitionerOptions {
  /**
   * Where the round-robin for keyless records starts. Default: a random partition, as Kafka does,
   * so that many producers starting together do not all begin on partition 0.
   */
  readonly start?: number
}

/**
 * The partition Kafka's default partitioner gives a key: toPositive(murmur2(key)) % numPartitions.
 * A Kafka client in any language puts the same key on the same partition.
 */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  checkPartitionCount(numPartitions)
  return toPositive(murmur2(key)) % numPartitions
}

/**
 * A partitioner: keyed records by {@link partitionForKey}; keyless records spread over every
 * partition in turn. The round-robin counter is this function's only state, so make one per
 * producer (or per topic, to rotate each topic on its own).
 */
export function createPartitioner(options: PartitionerOptions = {}): Partitioner {
  let counter = options.start ?? Math.floor(Math.random() * 0x7fffffff)
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new TributaryError(ErrorCode.InvalidRequest, `start must be a non-negative integer`)
  }
  return (key, numPartitions) => {
    if (key !== null) return partitionForKey(key, numPartitions)
    checkPartitionCount(numPartitions)
    const partition = counter % numPartitions
    counter = counter >= Number.MAX_SAFE_INTEGER ? 0 : counter + 1
    return partition
  }
}

function checkPartitionCount(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 0x7fffffff) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      `the number of partitions must be a positive int32, got ${numPartitions}`,
    )
  }
}
