// The fault suite's checker on hand-made histories: each one shows one anomaly (and what that
// anomaly implies by its nature, e.g. an acknowledged value overwritten is lost and also two
// values at one offset), and a clean history shows none.
import { describe, expect, it } from 'vitest'
import type {
  ConsumerLog,
  DrainedPartition,
  History,
  Observed,
  ProduceOperation,
} from '../history/index.ts'
import { type AnomalyCounts, addCounts, checkHistory, NO_ANOMALIES } from './index.ts'

let clock = 0
const acked = (value: string, partition: number, offset: number): ProduceOperation => ({
  value,
  partition,
  startedAt: clock++,
  endedAt: clock++,
  outcome: { kind: 'acked', partition, offset },
})
const unknown = (value: string, partition = 0): ProduceOperation => ({
  value,
  partition,
  startedAt: clock++,
  endedAt: clock++,
  outcome: { kind: 'unknown', error: 'timed out' },
})
const failed = (value: string, partition = 0): ProduceOperation => ({
  value,
  partition,
  startedAt: clock++,
  endedAt: clock++,
  outcome: { kind: 'failed', error: 'NOT_ENOUGH_REPLICAS' },
})
const at = (partition: number, offset: number, value: string): Observed => ({
  partition,
  offset,
  value,
})
/** A partition drained from 0: `values[i]` at offset i. */
const drained = (partition: number, ...values: string[]): DrainedPartition => ({
  partition,
  startOffset: 0,
  endOffset: values.length,
  records: values.map((value, offset) => at(partition, offset, value)),
})
const consumer = (name: string, ...reads: Observed[]): ConsumerLog => ({ consumer: name, reads })
const counts = (only: Partial<AnomalyCounts>): AnomalyCounts => ({ ...NO_ANOMALIES, ...only })

describe('checkHistory', () => {
  it('finds nothing in a history where every acknowledged value was read where it was acknowledged', () => {
    const history: History = {
      operations: [
        acked('a', 0, 0),
        acked('b', 0, 1),
        acked('c', 1, 0),
        unknown('d', 1),
        failed('e'),
      ],
      consumers: [
        consumer('c1', at(0, 0, 'a'), at(1, 0, 'c'), at(0, 1, 'b')),
        consumer('c2', at(1, 0, 'c')),
      ],
      drain: [drained(0, 'a', 'b'), drained(1, 'c', 'd')],
    }
    const result = checkHistory(history)
    expect(result.counts).toEqual(NO_ANOMALIES)
    expect(result.stats).toEqual({
      operations: 5,
      acked: 3,
      failed: 1,
      unknown: 1,
      unknownDrained: 1,
      consumerReads: 4,
      drained: 4,
    })
  })

  it('reports an acknowledged value the drain does not hold as lost', () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), acked('b', 0, 1)],
      consumers: [],
      drain: [drained(0, 'a')],
    })
    expect(result.counts).toEqual(counts({ lost: 1 }))
    expect(result.examples.lost).toEqual([{ value: 'b', partition: 0, offset: 1, drainedAt: [] }])
  })

  it('reports an acknowledged value the drain holds at another position as lost, saying where', () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), acked('b', 0, 1)],
      consumers: [],
      drain: [drained(0, 'a'), drained(1, 'b')],
    })
    expect(result.counts).toEqual(counts({ lost: 1 }))
    expect(result.examples.lost[0]?.drainedAt).toEqual([{ partition: 1, offset: 0 }])
  })

  it('reports an acknowledgement at an offset the drain holds another value at as lost and as two values at one offset', () => {
    // What a fenced leader acknowledging a write it then lost looks like.
    const result = checkHistory({
      operations: [acked('a', 0, 0), acked('old', 0, 1), unknown('new')],
      consumers: [],
      drain: [drained(0, 'a', 'new')],
    })
    expect(result.counts).toEqual(counts({ lost: 1, twoAtOffset: 1 }))
    expect(result.examples.twoAtOffset).toEqual([
      { partition: 0, offset: 1, values: ['old', 'new'] },
    ])
  })

  it('reports a value read at two positions as a duplicate', () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), unknown('b')],
      consumers: [consumer('c1', at(0, 0, 'a'), at(0, 1, 'a'))],
      drain: [drained(0, 'a', 'a', 'b')],
    })
    expect(result.counts).toEqual(counts({ duplicates: 1 }))
    expect(result.examples.duplicates).toEqual([
      {
        value: 'a',
        positions: [
          { partition: 0, offset: 0 },
          { partition: 0, offset: 1 },
        ],
      },
    ])
  })

  it('reports a read of a tail later truncated and overwritten as beyond the high watermark and two values at one offset', () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), unknown('tail'), acked('b', 0, 1)],
      consumers: [consumer('c1', at(0, 0, 'a'), at(0, 1, 'tail'))],
      drain: [drained(0, 'a', 'b')],
    })
    expect(result.counts).toEqual(counts({ beyondHw: 1, twoAtOffset: 1 }))
    expect(result.examples.beyondHw).toEqual([
      { consumer: 'c1', partition: 0, offset: 1, value: 'tail', drained: 'b' },
    ])
  })

  it('reports a read past the end of the drain as beyond the high watermark', () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), unknown('tail')],
      consumers: [consumer('c1', at(0, 0, 'a'), at(0, 1, 'tail'))],
      drain: [drained(0, 'a')],
    })
    expect(result.counts).toEqual(counts({ beyondHw: 1 }))
    expect(result.examples.beyondHw[0]?.drained).toBeUndefined()
  })

  it("reports a consumer's reads of one partition that do not move forward as going backwards", () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), acked('b', 0, 1), acked('c', 1, 0)],
      consumers: [
        // Interleaved partitions are independent; 0 after 1 on partition 0 goes back, and so
        // does reading offset 0 of partition 1 twice.
        consumer('c1', at(0, 0, 'a'), at(1, 0, 'c'), at(0, 1, 'b'), at(0, 0, 'a'), at(1, 0, 'c')),
        consumer('c2', at(0, 1, 'b')),
      ],
      drain: [drained(0, 'a', 'b'), drained(1, 'c')],
    })
    expect(result.counts).toEqual(counts({ backwards: 2 }))
    expect(result.examples.backwards).toEqual([
      { consumer: 'c1', partition: 0, previousOffset: 1, offset: 0 },
      { consumer: 'c1', partition: 1, previousOffset: 0, offset: 0 },
    ])
  })

  it('reports a value whose answer said it was not appended, found in the log', () => {
    const result = checkHistory({
      operations: [acked('a', 0, 0), failed('refused')],
      consumers: [],
      drain: [drained(0, 'a', 'refused')],
    })
    expect(result.counts).toEqual(counts({ failedPresent: 1 }))
    expect(result.examples.failedPresent).toEqual([
      { value: 'refused', positions: [{ partition: 0, offset: 1 }] },
    ])
  })

  it('counts every anomaly but keeps only the examples asked for', () => {
    const operations = Array.from({ length: 10 }, (_, offset) => acked(`v${offset}`, 0, offset))
    const history: History = { operations, consumers: [], drain: [drained(0)] }
    expect(checkHistory(history).counts.lost).toBe(10)
    expect(checkHistory(history).examples.lost).toHaveLength(5)
    expect(checkHistory(history, 2).examples.lost.map((lost) => lost.value)).toEqual(['v0', 'v1'])
  })

  it('adds counts kind by kind', () => {
    expect(addCounts(counts({ lost: 1, backwards: 2 }), counts({ lost: 3, beyondHw: 1 }))).toEqual(
      counts({ lost: 4, backwards: 2, beyondHw: 1 }),
    )
  })
})
