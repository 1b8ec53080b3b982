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
 * brokers taken in order, each partition starting one broker further on, so leaders spread
 * evenly (with n brokers and k·n partitions each broker leads k) and a partition's replicas are
 * distinct brokers. Kafka's assignment, without its random start, so placement is reproducible.
 *
 * Without racks the order is by broker id. When every broker names a rack the order alternates
 * racks ({@link rackAlternated}, Kafka's rack-aware list), so a partition's consecutive replicas
 * sit in different racks: with r racks of equal size, any r replicas span every rack. Some
 * brokers with a rack and some without is refused, as Kafka refuses it. Pure.
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
  const brokers = brokerOrder(request.brokers)
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

/** The brokers in placement order: by id, or rack-alternated when every broker has a rack. */
function brokerOrder(brokers: readonly PlacementBroker[]): PlacementBroker[] {
  const byId = [...brokers].sort((a, b) => a.brokerId - b.brokerId)
  const withRack = byId.filter((broker) => broker.rack !== null).length
  if (withRack === 0) return byId
  if (withRack !== byId.length) {
    throw new TributaryError(
      ErrorCode.InvalidReplicationFactor,
      'Not all brokers have rack information for replica rack aware assignment.',
    )
  }
  return rackAlternated(byId)
}

/**
 * Brokers ordered so racks alternate: racks by name, each rack's brokers by id, then one broker
 * from each rack in turn (racks a:[1,2], b:[3], c:[4,5] give 1, 3, 4, 2, 5).
 */
export function rackAlternated(brokers: readonly PlacementBroker[]): PlacementBroker[] {
  const racks = new Map<string, PlacementBroker[]>()
  for (const broker of [...brokers].sort((a, b) => a.brokerId - b.brokerId)) {
    const rack = broker.rack ?? ''
    racks.set(rack, [...(racks.get(rack) ?? []), broker])
  }
  const lists = [...racks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const ordered: PlacementBroker[] = []
  for (let round = 0; ordered.length < brokers.length; round++) {
    for (const [, list] of lists) {
      const broker = list[round]
      if (broker !== undefined) ordered.push(broker)
    }
  }
  return ordered
}
