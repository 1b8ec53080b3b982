import { describe, expect, it } from 'vitest'
import {
  describeTopic,
  formatDescription,
  leaderFromLink,
  overridesOf,
  partitionFromV2,
  partitionFromV3,
} from '../src/topics/describe.ts'

describe('topics --describe output', () => {
  it('prints the topic line and one tab-indented line per partition, like kafka-topics.sh', () => {
    const text = formatDescription({
      name: 'orders',
      partitionCount: 2,
      replicationFactor: 3,
      configs: [
        ['cleanup.policy', 'compact'],
        ['retention.ms', '1000'],
      ],
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2] },
        { partition: 1, leader: null, replicas: [2, 3, 1], isr: [] },
      ],
    })
    expect(text).toBe(
      'Topic: orders\tPartitionCount: 2\tReplicationFactor: 3\t' +
        'Configs: cleanup.policy=compact,retention.ms=1000\n' +
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\n' +
        '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: \n',
    )
  })

  it('shows only overridden configs, sorted', () => {
    expect(
      overridesOf([
        { name: 'segment.bytes', value: '1073741824', is_default: true },
        { name: 'retention.ms', value: '1000', is_default: false },
        { name: 'cleanup.policy', value: 'compact', is_default: false },
        { name: 'min.insync.replicas', value: '2', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'flush.ms', value: '10', source: 'DEFAULT_CONFIG' },
      ]),
    ).toEqual([
      ['cleanup.policy', 'compact'],
      ['min.insync.replicas', '2'],
      ['retention.ms', '1000'],
    ])
  })

  it('reads the leader from v3 replicas, else from the leader link', () => {
    expect(leaderFromLink('http://gw/v3/clusters/c/topics/t/partitions/0/replicas/7')).toBe(7)
    expect(leaderFromLink(null)).toBeNull()
    expect(leaderFromLink('http://gw/elsewhere')).toBeNull()
    expect(
      partitionFromV3({ partition_id: 4, leader: { related: 'x/replicas/9' } }, [
        { broker_id: 2, is_leader: false, is_in_sync: false },
        { broker_id: 3, is_leader: true, is_in_sync: true },
      ]),
    ).toEqual({ partition: 4, leader: 3, replicas: [2, 3], isr: [3] })
    expect(partitionFromV3({ partition_id: 0, leader: { related: 'x/replicas/9' } }, [])).toEqual({
      partition: 0,
      leader: 9,
      replicas: [],
      isr: [],
    })
  })

  it('reads v2 partitions, where -1 means no leader', () => {
    expect(
      partitionFromV2({
        partition: 1,
        leader: -1,
        replicas: [
          { broker: 1, leader: false, in_sync: true },
          { broker: 2, leader: false, in_sync: false },
        ],
      }),
    ).toEqual({ partition: 1, leader: null, replicas: [1, 2], isr: [1] })
  })

  it('orders partitions by id', () => {
    const description = describeTopic(
      { topic_name: 't', partitions_count: 2, replication_factor: 1 },
      [
        { partition: 1, leader: 1, replicas: [1], isr: [1] },
        { partition: 0, leader: 1, replicas: [1], isr: [1] },
      ],
      [],
    )
    expect(description.partitions.map((p) => p.partition)).toEqual([0, 1])
    expect(formatDescription(description).split('\n')[0]).toBe(
      'Topic: t\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: ',
    )
  })
})
