import { ErrorCode, TributaryError } from '../errors/index.ts'

export interface PlacementBroker {
  readonly brokerId: number
  readonly rack: string | null
}

export interface PlacementRequest {
  /** The brokers that may hold replicas (unfenced ones). */
  readonly brokers: readonly PlacementBroker[]
  /** How many partitions to place. */
  readonly partitions: number
  readonly replicationFactor: number
  /**
   * Where in the rotation the first new partition starts: its index in the topic when adding
   * partitions, so leaders keep rotating over the brokers. Default 0.
   */
  readonly firstPartition?: number
}

/**
 * Replica lists for new partitions, the first replica of each being its preferred leader: the
 * brokers taken in id order, each partition starting one broker further on, so leaders spread
 * evenly (with n brokers and k·n partitions each broker leads k) and a partition's replicas are
 * distinct brokers. Kafka's rack-unaware assignment, without its random start, so placement is
 * reproducible. Pure.
 */
export function placeReplicas(request: PlacementRequest): number[][] {
  const { partitions, replicationFactor } = request
  const firstPartition = request.firstPartition ?? 0
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new TributaryError(
      ErrorCode.InvalidPartitions,
      `Number of partitions must be larger than 0, got ${partitions}`,
    )
  }
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    throw new TributaryError(
      ErrorCode.InvalidReplicationFactor,
      `Replication factor must be larger than 0, got ${replicationFactor}`,
    )
  }
  const brokers = [...request.brokers].sort((a, b) => a.brokerId - b.brokerId)
  if (replicationFactor > brokers.length) {
    throw new TributaryError(
      ErrorCode.InvalidReplicationFactor,
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`,
    )
  }
  const placed: number[][] = []
  for (let p = 0; p < partitions; p++) {
    const start = (firstPartition + p) % brokers.length
    const replicas: number[] = []
    for (let r = 0; r < replicationFactor; r++) {
      replicas.push((brokers[(start + r) % brokers.length] as PlacementBroker).brokerId)
    }
    placed.push(replicas)
  }
  return placed
}
