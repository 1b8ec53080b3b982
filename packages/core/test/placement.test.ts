import { describe, expect, it } from 'vitest'
import { ErrorCode, placeReplicas, rackAlternated, TributaryError } from '../src/index.ts'

const brokers = [3, 1, 2].map((brokerId) => ({ brokerId, rack: null }))

describe('placeReplicas', () => {
  it('spreads leaders evenly and gives each partition distinct replicas', () => {
    const placed = placeReplicas({ brokers, partitions: 6, replicationFactor: 3 })
    expect(placed).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ])
    const leaders = placed.map((replicas) => replicas[0])
    for (const id of [1, 2, 3]) expect(leaders.filter((l) => l === id)).toHaveLength(2)
  })

  it('keeps rotating when partitions are added', () => {
    expect(
      placeReplicas({ brokers, partitions: 2, replicationFactor: 1, firstPartition: 4 }),
    ).toEqual([[2], [3]])
  })

  it('refuses impossible requests with Kafka-style errors', () => {
    const cases: Array<[Parameters<typeof placeReplicas>[0], ErrorCode, RegExp]> = [
      [
        { brokers, partitions: 0, replicationFactor: 1 },
        ErrorCode.InvalidPartitions,
        /larger than 0/,
      ],
      [
        { brokers, partitions: 1, replicationFactor: 0 },
        ErrorCode.InvalidReplicationFactor,
        /larger than 0/,
      ],
      [
        { brokers, partitions: 1, replicationFactor: 4 },
        ErrorCode.InvalidReplicationFactor,
        /larger than available brokers: 3/,
      ],
      [
        { brokers: [], partitions: 1, replicationFactor: 1 },
        ErrorCode.InvalidReplicationFactor,
        /available brokers: 0/,
      ],
    ]
    for (const [request, code, message] of cases) {
      let caught: unknown
      try {
        placeReplicas(request)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(TributaryError)
      expect((caught as TributaryError).code).toBe(code)
      expect((caught as Error).message).toMatch(message)
    }
  })
})

describe('placeReplicas with racks', () => {
  const racked = [
    { brokerId: 1, rack: 'a' },
    { brokerId: 2, rack: 'a' },
    { brokerId: 3, rack: 'b' },
    { brokerId: 4, rack: 'b' },
    { brokerId: 5, rack: 'c' },
    { brokerId: 6, rack: 'c' },
  ]
  const rackOf = new Map(racked.map((broker) => [broker.brokerId, broker.rack]))

  it('alternates racks: a:[1,2], b:[3], c:[4,5] give 1, 3, 4, 2, 5', () => {
    const order = rackAlternated([
      { brokerId: 5, rack: 'c' },
      { brokerId: 2, rack: 'a' },
      { brokerId: 3, rack: 'b' },
      { brokerId: 1, rack: 'a' },
      { brokerId: 4, rack: 'c' },
    ])
    expect(order.map((broker) => broker.brokerId)).toEqual([1, 3, 4, 2, 5])
  })

  it('puts a partition’s replicas in distinct racks and still spreads leaders evenly', () => {
    const placed = placeReplicas({ brokers: racked, partitions: 12, replicationFactor: 3 })
    for (const replicas of placed) {
      expect(new Set(replicas.map((id) => rackOf.get(id))).size).toBe(3)
    }
    const leaders = placed.map((replicas) => replicas[0])
    for (const { brokerId } of racked) expect(leaders.filter((l) => l === brokerId)).toHaveLength(2)
  })

  it('refuses brokers of which only some name a rack, as Kafka does', () => {
    const mixed = [
      { brokerId: 1, rack: 'a' },
      { brokerId: 2, rack: null },
    ]
    expect(() => placeReplicas({ brokers: mixed, partitions: 1, replicationFactor: 1 })).toThrow(
      /Not all brokers have rack information/,
    )
  })
})
