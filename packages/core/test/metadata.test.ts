import { describe, expect, it } from 'vitest'
import {
  decodeMetadataRecord,
  ErrorCode,
  encodeMetadataRecord,
  MetadataImage,
  type MetadataLogEntry,
  type MetadataRecord,
  TributaryError,
} from '../src/index.ts'

function entries(records: MetadataRecord[], controllerEpoch = 1, from = 0): MetadataLogEntry[] {
  return records.map((record, i) => ({
    offset: from + i,
    controllerEpoch,
    timestamp: 1000 + i,
    record,
  }))
}

function replay(records: MetadataRecord[]): MetadataImage {
  const image = new MetadataImage()
  for (const entry of entries(records)) image.apply(entry)
  return image
}

const endpoints = [{ name: 'client', host: '127.0.0.1', port: 9092 }]
const cluster: MetadataRecord[] = [
  { type: 'cluster', clusterId: 'c-1' },
  {
    type: 'register-broker',
    brokerId: 1,
    incarnationId: 'i-1',
    brokerEpoch: 1,
    endpoints,
    rack: null,
    fenced: true,
  },
  { type: 'unfence-broker', brokerId: 1, brokerEpoch: 1 },
  { type: 'topic', name: 'orders', topicId: 't-1' },
  {
    type: 'partition',
    topicId: 't-1',
    partition: 0,
    replicas: [1],
    isr: [1],
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
  },
  {
    type: 'partition',
    topicId: 't-1',
    partition: 1,
    replicas: [1],
    isr: [1],
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
  },
  {
    type: 'config',
    resourceType: 'topic',
    resourceName: 'orders',
    name: 'retention.ms',
    value: '1000',
  },
]

describe('MetadataImage', () => {
  it('replays brokers, topics, partitions and configs', () => {
    const image = replay(cluster)
    expect(image.offset).toBe(6)
    expect(image.clusterId).toBe('c-1')
    expect(image.broker(1)).toMatchObject({ fenced: false, endpoints })
    expect(image.topic('orders')?.partitions.map((p) => p.leader)).toEqual([1, 1])
    expect(image.topic('orders')?.configs).toEqual({ 'retention.ms': '1000' })
    expect(image.partition('orders', 1)).toMatchObject({ leaderEpoch: 0, partitionEpoch: 0 })
    expect(image.partition('orders', 2)).toBeUndefined()
  })

  it('bumps the partition epoch on every change and the leader epoch on a leader change', () => {
    const image = replay([
      ...cluster,
      { type: 'partition-change', topicId: 't-1', partition: 0, isr: [] },
      { type: 'partition-change', topicId: 't-1', partition: 0, leader: -1 },
      { type: 'partition-change', topicId: 't-1', partition: 0, leader: -1 },
      { type: 'partition-change', topicId: 't-1', partition: 0, leader: 1, isr: [1] },
    ])
    expect(image.partition('orders', 0)).toEqual({
      partition: 0,
      replicas: [1],
      isr: [1],
      leader: 1,
      leaderEpoch: 2,
      partitionEpoch: 4,
    })
    expect(image.partition('orders', 1)?.partitionEpoch).toBe(0)
  })

  it('removes topics and config overrides, and ignores fencing of a stale registration', () => {
    const image = replay([
      ...cluster,
      {
        type: 'config',
        resourceType: 'topic',
        resourceName: 'orders',
        name: 'retention.ms',
        value: null,
      },
      { type: 'fence-broker', brokerId: 1, brokerEpoch: 0 },
      { type: 'remove-topic', topicId: 't-1' },
      { type: 'topic', name: 'orders', topicId: 't-2' },
    ])
    expect(image.broker(1)?.fenced).toBe(false)
    expect(image.topic('orders')?.topicId).toBe('t-2')
    expect(image.topic('orders')?.configs).toEqual({})
    expect(image.topicById('t-1')).toBeUndefined()
  })

  it('gives equal snapshots for equal logs and rebuilds from a snapshot', () => {
    const a = replay(cluster)
    const b = replay(cluster)
    expect(a.snapshot()).toEqual(b.snapshot())
    const restored = MetadataImage.fromSnapshot(JSON.parse(JSON.stringify(a.snapshot())))
    expect(restored.snapshot()).toEqual(a.snapshot())
    restored.apply({ offset: 7, controllerEpoch: 1, timestamp: 0, record: { type: 'no-op' } })
    expect(restored.offset).toBe(7)
  })

  it('refuses entries that cannot follow the image', () => {
    const image = replay(cluster)
    const bad: Array<[MetadataLogEntry, RegExp]> = [
      [
        { offset: 9, controllerEpoch: 1, timestamp: 0, record: { type: 'no-op' } },
        /cannot follow offset 6/,
      ],
      [{ offset: 7, controllerEpoch: 0, timestamp: 0, record: { type: 'no-op' } }, /older than 1/],
      [
        {
          offset: 7,
          controllerEpoch: 1,
          timestamp: 0,
          record: { type: 'topic', name: 'orders', topicId: 'x' },
        },
        /exists already/,
      ],
      [
        {
          offset: 7,
          controllerEpoch: 1,
          timestamp: 0,
          record: {
            type: 'partition',
            topicId: 't-1',
            partition: 5,
            replicas: [1],
            isr: [1],
            leader: 1,
            leaderEpoch: 0,
            partitionEpoch: 0,
          },
        },
        /out of order/,
      ],
      [
        {
          offset: 7,
          controllerEpoch: 1,
          timestamp: 0,
          record: { type: 'remove-topic', topicId: 'nope' },
        },
        /unknown topic id nope/,
      ],
    ]
    for (const [entry, message] of bad) {
      expect(() => image.apply(entry)).toThrow(message)
    }
    expect(image.offset).toBe(6)
  })
})

describe('metadata record codec', () => {
  it('round-trips every record', () => {
    for (const record of cluster) {
      expect(decodeMetadataRecord(encodeMetadataRecord(record))).toEqual(record)
    }
  })

  it('refuses damaged or unknown records, naming the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"type":"topic","name":"x"', /not JSON/],
      ['{"type":"wat"}', /invalid metadata record: type/],
      ['{"type":"topic","name":"x","topicId":"t","extra":1}', /invalid metadata record/],
      [
        '{"type":"partition","topicId":"t","partition":-1,"replicas":[1],"isr":[],"leader":1,"leaderEpoch":0,"partitionEpoch":0}',
        /partition/,
      ],
    ]
    for (const [text, message] of cases) {
      let caught: unknown
      try {
        decodeMetadataRecord(text)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(TributaryError)
      expect((caught as TributaryError).code).toBe(ErrorCode.CorruptMessage)
      expect((caught as Error).message).toMatch(message)
    }
  })
})
