// The consumer-group scenario's checker on hand-made histories: each property caught where it
// is violated, and left alone where the history only looks suspicious (concurrent
// observations, an unknown commit, a member whose session had expired, ownership across a
// coordinator move).
import { describe, expect, it } from 'vitest'
import { checkConsumers, tenuresOf } from './consumers-checker.ts'
import type {
  CommittedRead,
  ConsumersHistory,
  CoordinatorMove,
  MemberOp,
  MemberOpKind,
  Outcome,
  ProcessEvent,
  ProduceEvent,
} from './consumers-history.ts'

const SESSION_MS = 3_000

function history(parts: Partial<Omit<ConsumersHistory, 'sessionTimeoutMs'>>): ConsumersHistory {
  return {
    sessionTimeoutMs: SESSION_MS,
    produced: [],
    processed: [],
    memberOps: [],
    committedReads: [],
    coordinatorMoves: [],
    ...parts,
  }
}

const acked = (
  partition: number,
  offset: number,
  value = `v${partition}-${offset}`,
): ProduceEvent => ({
  partition,
  value,
  offset,
  outcome: 'ok',
  invokeMs: 0,
  completeMs: 1,
})

const processed = (
  member: string,
  partition: number,
  offset: number,
  atMs: number,
  value = `v${partition}-${offset}`,
): ProcessEvent => ({ member, partition, offset, value, atMs })

function op(
  member: string,
  kind: MemberOpKind,
  span: [number, number],
  holds: number[] = [],
  outcome: Outcome = 'ok',
): MemberOp {
  return { member, op: kind, invokeMs: span[0], completeMs: span[1], outcome, holds }
}

const commit = (
  member: string,
  span: [number, number],
  offsets: Record<number, number>,
  outcome: Outcome = 'ok',
): MemberOp => ({
  ...op(member, 'commit', span, outcome === 'ok' ? Object.keys(offsets).map(Number) : [], outcome),
  offsets: Object.entries(offsets).map(([partition, offset]) => ({
    partition: Number(partition),
    offset,
  })),
})

const read = (span: [number, number], offsets: Record<number, number>): CommittedRead => ({
  source: 'v3-lags',
  invokeMs: span[0],
  completeMs: span[1],
  offsets: Object.entries(offsets).map(([partition, offset]) => ({
    partition: Number(partition),
    offset,
  })),
})

const move = (
  span: [number, number],
  cause: CoordinatorMove['cause'] = 'kill',
  from: number | null = 1,
  to: number | null = null,
): CoordinatorMove => ({ cause, from, to, invokeMs: span[0], completeMs: span[1] })

const kinds = (check: ReturnType<typeof checkConsumers>) => check.anomalies.map((a) => a.kind)

describe('checkConsumers', () => {
  it('finds nothing in a clean run, and counts what it checked', () => {
    const check = checkConsumers(
      history({
        produced: [
          acked(0, 0),
          acked(0, 1),
          acked(1, 0),
          { ...acked(1, 1), outcome: 'unknown', offset: null },
        ],
        processed: [
          processed('m1', 0, 0, 15),
          processed('m1', 0, 1, 15),
          processed('m2', 1, 0, 16),
        ],
        memberOps: [
          op('m1', 'assignments', [0, 5], [0]),
          op('m1', 'poll', [6, 10], [0]),
          commit('m1', [20, 25], { 0: 2 }),
          op('m2', 'assignments', [0, 5], [1]),
          op('m2', 'poll', [6, 12], [1]),
          commit('m2', [21, 26], { 1: 1 }),
        ],
        committedReads: [read([0, 3], {}), read([30, 31], { 0: 2, 1: 1 })],
      }),
    )
    expect(check.anomalies).toEqual([])
    expect(check).toMatchObject({
      acknowledged: 3,
      processed: 3,
      offsetObservations: 4,
      tenures: 4,
    })
  })

  it('reports an acknowledged record nobody processed, and nothing for an unacknowledged one', () => {
    const check = checkConsumers(
      history({
        produced: [acked(0, 0), acked(0, 1), { ...acked(0, 2), outcome: 'unknown', offset: null }],
        processed: [processed('m1', 0, 0, 5)],
      }),
    )
    expect(check.anomalies).toEqual([
      { kind: 'lost', partition: 0, message: 'v0-1 acknowledged at 0:1 was never processed' },
    ])
  })

  it('reports a processed value that is not the one acknowledged, and two values acknowledged at one offset', () => {
    const check = checkConsumers(
      history({
        produced: [acked(0, 0, 'a'), acked(0, 1, 'b'), acked(0, 1, 'c')],
        processed: [processed('m1', 0, 0, 5, 'x'), processed('m1', 0, 1, 5, 'b')],
      }),
    )
    expect(kinds(check)).toEqual(['wrong-value', 'wrong-value'])
    expect(check.anomalies[0]?.message).toContain('two values acknowledged at 0:1')
    expect(check.anomalies[1]?.message).toContain('m1 processed x at 0:0')
  })

  it('reports a commit answered before the records below it were processed', () => {
    const check = checkConsumers(
      history({
        produced: [acked(0, 0), acked(0, 1), acked(0, 2)],
        processed: [processed('m1', 0, 0, 5), processed('m2', 0, 1, 40), processed('m2', 0, 2, 40)],
        memberOps: [commit('m1', [10, 20], { 0: 3 }), commit('m2', [50, 60], { 0: 3 })],
      }),
    )
    expect(kinds(check)).toEqual(['commit-skipped'])
    expect(check.anomalies[0]?.message).toContain('offsets 1, 2')
  })

  it('reports a committed offset read lower after a higher one was acknowledged or read', () => {
    const check = checkConsumers(
      history({
        memberOps: [commit('m1', [0, 10], { 0: 5 }), commit('m1', [40, 45], { 0: 9 })],
        committedReads: [
          read([12, 14], { 0: 3 }), // after the commit of 5 was answered
          read([50, 55], { 0: 9 }),
          read([60, 61], { 0: 8 }), // after a read of 9
        ],
      }),
    )
    expect(kinds(check)).toEqual(['committed-backwards', 'committed-backwards'])
    expect(check.anomalies[0]?.message).toContain("saw 3 after m1's commit answered 5")
    expect(check.anomalies[1]?.message).toContain('saw 8 after')
  })

  it('accepts a lower read that overlaps the commit, and a read showing an unknown commit', () => {
    const check = checkConsumers(
      history({
        memberOps: [commit('m1', [0, 10], { 0: 5 }), commit('m2', [20, 30], { 0: 7 }, 'unknown')],
        committedReads: [
          read([5, 15], { 0: 2 }),
          read([31, 32], { 0: 7 }),
          read([33, 34], { 0: 7 }),
        ],
      }),
    )
    expect(check.anomalies).toEqual([])
  })

  it('reports a commit that lowers the committed offset', () => {
    const check = checkConsumers(
      history({ memberOps: [commit('m1', [0, 10], { 0: 5 }), commit('m2', [20, 30], { 0: 4 })] }),
    )
    expect(kinds(check)).toEqual(['committed-backwards'])
  })

  it('reports two members owning a partition at once', () => {
    const check = checkConsumers(
      history({
        memberOps: [
          op('m1', 'poll', [0, 10], [0]),
          commit('m1', [100, 110], { 0: 4 }),
          op('m2', 'assignments', [20, 25], [0, 1]),
          op('m2', 'poll', [30, 40], [0]),
        ],
      }),
    )
    expect(check.anomalies).toEqual([
      {
        kind: 'two-owners',
        partition: 0,
        message: 'partition 0 owned by m1 over [10 ms, 100 ms] and by m2 over [25 ms, 30 ms]',
      },
    ])
  })

  it('proves a tenure across a long silence when an acknowledged commit ends it', () => {
    const check = checkConsumers(
      history({
        memberOps: [
          op('m1', 'poll', [0, 10], [0]),
          commit('m1', [9_000, 9_010], { 0: 4 }),
          op('m2', 'poll', [4_000, 4_010], [0]),
          op('m2', 'poll', [4_020, 4_030], [0]),
        ],
      }),
    )
    expect(kinds(check)).toEqual(['two-owners'])
  })

  it("accepts a stalled member's processing while another owns its partition", () => {
    const check = checkConsumers(
      history({
        memberOps: [
          // m1 stalls past its session: its commit is refused, its next poll rejoins.
          op('m1', 'poll', [0, 10], [0]),
          commit('m1', [7_000, 7_010], { 0: 4 }, 'failed'),
          op('m1', 'poll', [7_020, 7_030], [0]),
          // m2 owned partition 0 meanwhile.
          op('m2', 'assignments', [3_500, 3_510], [0]),
          op('m2', 'poll', [3_520, 3_600], [0]),
          commit('m2', [3_610, 3_620], { 0: 4 }),
          // m3 polled partition 0 twice, more than a session apart: it may have expired between.
          op('m3', 'poll', [0, 10], [0]),
          op('m3', 'poll', [5_000, 5_010], [0]),
        ],
      }),
    )
    expect(check.anomalies).toEqual([])
  })
})

describe('checkConsumers across coordinator moves', () => {
  // m1 owned partition 0 until the coordinator's broker was killed at [100, 150]; the new
  // coordinator replayed m1 holding nothing, m2 rejoined first and held partition 0 for a
  // while, then gave it back, and m1 won it again at its next poll.
  const acrossTheKill: MemberOp[] = [
    op('m1', 'poll', [0, 10], [0]),
    op('m1', 'poll', [900, 1_000], [0]),
    op('m2', 'poll', [300, 310], [0]),
    op('m2', 'poll', [400, 410], [0]),
    op('m2', 'poll', [500, 510], [1]),
  ]

  it('does not take a member as owning its partitions across a kill of the coordinator', () => {
    // Without the move, m1's ops seem to prove it held partition 0 over [10, 900].
    expect(kinds(checkConsumers(history({ memberOps: acrossTheKill })))).toEqual(['two-owners'])
    const check = checkConsumers(
      history({ memberOps: acrossTheKill, coordinatorMoves: [move([100, 150])] }),
    )
    expect(check.anomalies).toEqual([])
    expect(check.tenures).toBe(1) // m2's, over [310, 400]
  })

  it('does not take a member as owning its partitions across a move it saw only through the gateway', () => {
    const check = checkConsumers(
      history({
        memberOps: acrossTheKill,
        coordinatorMoves: [move([50, 280], 'observed', 1, 2)],
      }),
    )
    expect(check.anomalies).toEqual([])
  })

  it('still reports two owners at once before a move and after it', () => {
    const check = checkConsumers(
      history({
        memberOps: [
          // Before the kill at [100, 150]: m1 over [10, 60], m2 over [25, 45].
          op('m1', 'poll', [0, 10], [0]),
          op('m1', 'poll', [60, 70], [0]),
          op('m2', 'poll', [20, 25], [0]),
          op('m2', 'poll', [45, 50], [0]),
          // After it: m1 over [310, 500], m3 over [400, 450] on partition 1.
          op('m1', 'poll', [300, 310], [1]),
          op('m1', 'poll', [500, 510], [1]),
          op('m3', 'poll', [390, 400], [1]),
          op('m3', 'poll', [450, 460], [1]),
        ],
        coordinatorMoves: [move([100, 150])],
      }),
    )
    expect(check.anomalies.map((a) => [a.kind, a.partition])).toEqual([
      ['two-owners', 0],
      ['two-owners', 1],
    ])
  })

  it('still reports two owners where a member proves again, after a move, what it held before', () => {
    const check = checkConsumers(
      history({
        memberOps: [
          // m1 held partition 0 before the kill at [100, 150] and again from 300 on (its
          // ownership across the kill is not proven); m2 held it over [320, 340].
          op('m1', 'poll', [0, 10], [0]),
          op('m1', 'poll', [60, 70], [0]),
          op('m1', 'poll', [290, 300], [0]),
          op('m1', 'poll', [500, 510], [0]),
          op('m2', 'poll', [310, 320], [0]),
          op('m2', 'poll', [340, 350], [0]),
        ],
        coordinatorMoves: [move([100, 150])],
      }),
    )
    expect(check.anomalies).toEqual([
      {
        kind: 'two-owners',
        partition: 0,
        message: 'partition 0 owned by m1 over [300 ms, 500 ms] and by m2 over [320 ms, 340 ms]',
      },
    ])
  })
})

describe('tenuresOf', () => {
  it('needs consecutive ok ops that both show the partition, within the session unless a commit ends them', () => {
    const tenures = tenuresOf(
      [
        op('m1', 'assignments', [0, 5], [0, 1]),
        op('m1', 'poll', [6, 10], [1]),
        commit('m1', [12, 14], { 1: 3 }),
        op('m1', 'assignments', [20, 22], [0, 1]),
        op('m1', 'poll', [23, 24], [0], 'unknown'),
        op('m1', 'assignments', [25, 26], [0]),
        op('m1', 'assignments', [4_000, 4_001], [0]),
      ],
      SESSION_MS,
    )
    expect(tenures).toEqual([
      { member: 'm1', partition: 1, fromMs: 5, toMs: 6 },
      { member: 'm1', partition: 1, fromMs: 10, toMs: 12 },
      { member: 'm1', partition: 1, fromMs: 14, toMs: 20 },
    ])
  })

  it('makes none from ops a coordinator move may fall between, even ops in flight across it', () => {
    const moves = [move([100, 150])]
    const tenures = tenuresOf(
      [
        op('m1', 'poll', [0, 10], [0]),
        op('m1', 'poll', [20, 30], [0]),
        op('m1', 'poll', [40, 110], [0]), // answered after the move began: served on which side?
        op('m1', 'poll', [120, 200], [0]), // sent before it ended: the same
        op('m1', 'poll', [210, 220], [0]),
        op('m1', 'poll', [230, 240], [0]),
      ],
      SESSION_MS,
      moves,
    )
    expect(tenures).toEqual([
      { member: 'm1', partition: 0, fromMs: 10, toMs: 20 },
      { member: 'm1', partition: 0, fromMs: 220, toMs: 230 },
    ])
  })

  it('refuses a history where one member has two requests in flight', () => {
    expect(() =>
      tenuresOf([op('m1', 'poll', [0, 10], [0]), op('m1', 'assignments', [5, 6], [0])], SESSION_MS),
    ).toThrow(/overlapping requests/)
  })
})
