import { describe, expect, it } from 'vitest'
import { offsetsAfterCut } from '../src/console-consumer/index.ts'
import {
  describeGroup,
  formatGroupDescription,
  formatResetPlan,
  formatTable,
  groupOffsetRows,
  groupStateNotice,
  plannedOffset,
} from '../src/consumer-groups/index.ts'
import type { ConsumedRecord } from '../src/rest/index.ts'

const record = (topic: string, partition: number, offset: number): ConsumedRecord => ({
  topic,
  partition,
  offset,
  key: null,
  value: null,
})

describe('Kafka tables', () => {
  it('pads each column to its widest cell, one space apart, without trailing spaces', () => {
    expect(
      formatTable(
        ['GROUP', 'TOPIC', 'LAG'],
        [
          ['g', 'orders', '5'],
          ['g', 't', '-'],
        ],
      ),
    ).toBe('GROUP TOPIC  LAG\ng     orders 5\ng     t      -\n')
    expect(formatTable(['A'], [])).toBe('')
  })
})

describe('consumer-groups --describe', () => {
  const lags = [
    {
      topic_name: 'orders',
      partition_id: 1,
      current_offset: 4,
      log_end_offset: 10,
      lag: 6,
      consumer_id: 'c-1',
    },
    // Committed, nobody owns it now.
    { topic_name: 'orders', partition_id: 0, current_offset: 3, log_end_offset: 3, lag: 0 },
    // Owned, never committed: the server knows no lag.
    {
      topic_name: 'audit',
      partition_id: 0,
      current_offset: null,
      log_end_offset: 8,
      lag: null,
      consumer_id: '',
    },
  ]
  const members = [
    {
      consumer: { consumer_id: 'c-1' },
      assignments: [
        { topic_name: 'orders', partition_id: 1 },
        { topic_name: 'orders', partition_id: 2 },
      ],
    },
    { consumer: { consumer_id: 'c-2' }, assignments: [{ topic_name: 'audit', partition_id: 0 }] },
    { consumer: { consumer_id: 'c-3' }, assignments: [] },
  ]

  it('merges lags and assignments into one row per partition, idle members last', () => {
    expect(groupOffsetRows(lags, members)).toEqual([
      {
        topic: 'audit',
        partition: 0,
        currentOffset: null,
        logEndOffset: 8,
        lag: null,
        consumerId: 'c-2',
      },
      {
        topic: 'orders',
        partition: 0,
        currentOffset: 3,
        logEndOffset: 3,
        lag: 0,
        consumerId: null,
      },
      {
        topic: 'orders',
        partition: 1,
        currentOffset: 4,
        logEndOffset: 10,
        lag: 6,
        consumerId: 'c-1',
      },
      {
        topic: 'orders',
        partition: 2,
        currentOffset: null,
        logEndOffset: null,
        lag: null,
        consumerId: 'c-1',
      },
      {
        topic: null,
        partition: null,
        currentOffset: null,
        logEndOffset: null,
        lag: null,
        consumerId: 'c-3',
      },
    ])
  })

  it("prints the state table, then Kafka's offsets table with '-' where unknown", () => {
    const rows = groupOffsetRows(lags, members)
    const description = describeGroup(
      { consumer_group_id: 'g', state: 'STABLE', partition_assignor: 'sticky' },
      members.map((m) => m.consumer),
      rows,
    )
    expect(formatGroupDescription(description)).toBe(
      [
        'GROUP ASSIGNMENT-STRATEGY STATE  #MEMBERS',
        'g     sticky              STABLE 3',
        '',
        'GROUP TOPIC  PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID',
        'g     audit  0         -              8              -   c-2',
        'g     orders 0         3              3              0   -',
        'g     orders 1         4              10             6   c-1',
        'g     orders 2         -              -              -   c-1',
        'g     -      -         -              -              -   c-3',
        '',
      ].join('\n'),
    )
    expect(groupStateNotice(description)).toBeUndefined()
  })

  it('says when the group has no members or is rebalancing', () => {
    const empty = describeGroup({ consumer_group_id: 'g', state: 'EMPTY' }, [], [])
    expect(groupStateNotice(empty)).toBe("Consumer group 'g' has no active members.")
    expect(formatGroupDescription(empty)).toBe(
      'GROUP ASSIGNMENT-STRATEGY STATE #MEMBERS\ng     -                   EMPTY 0\n',
    )
    const moving = describeGroup(
      { consumer_group_id: 'g', state: 'RECONCILING' },
      [{ consumer_id: 'c' }],
      [],
    )
    expect(groupStateNotice(moving)).toBe("Warning: Consumer group 'g' is rebalancing.")
  })
})

describe('consumer-groups --reset-offsets plan', () => {
  const log = { beginning_offset: 5, end_offset: 20 }

  it('takes the log ends, and moves an offset outside the log to its nearest end', () => {
    expect(plannedOffset('t', 0, log, { to: 'earliest' })).toEqual({
      topic: 't',
      partition: 0,
      offset: 5,
    })
    expect(plannedOffset('t', 0, log, { to: 'latest' }).offset).toBe(20)
    expect(plannedOffset('t', 0, log, { to: 'offset', offset: 12 })).toEqual({
      topic: 't',
      partition: 0,
      offset: 12,
    })
    expect(plannedOffset('t', 1, log, { to: 'offset', offset: 99 })).toEqual({
      topic: 't',
      partition: 1,
      offset: 20,
      warning:
        'New offset (99) is higher than latest offset for topic partition t-1. Value will be set to 20',
    })
    expect(plannedOffset('t', 1, log, { to: 'offset', offset: 1 })).toMatchObject({
      offset: 5,
      warning: expect.stringMatching(/lower than earliest offset .* set to 5$/),
    })
  })

  it('prints GROUP TOPIC PARTITION NEW-OFFSET sorted by topic and partition', () => {
    expect(
      formatResetPlan('g', [
        { topic: 'b', partition: 0, offset: 1 },
        { topic: 'a', partition: 10, offset: 200 },
        { topic: 'a', partition: 2, offset: 3 },
      ]),
    ).toBe(
      [
        'GROUP TOPIC PARTITION NEW-OFFSET',
        'g     a     2         3',
        'g     a     10        200',
        'g     b     0         1',
        '',
      ].join('\n'),
    )
  })
})

describe('console-consumer --group final commit', () => {
  it('names the last printed record of each partition, or the one before the first left out', () => {
    const printed = [record('t', 0, 7), record('t', 0, 8), record('t', 1, 3)]
    const left = [record('t', 1, 4), record('t', 2, 10), record('t', 2, 11), record('t', 3, 0)]
    expect(offsetsAfterCut(printed, left)).toEqual([
      { topic: 't', partition: 0, offset: 8 },
      { topic: 't', partition: 1, offset: 3 },
      { topic: 't', partition: 2, offset: 9 },
    ])
  })
})
