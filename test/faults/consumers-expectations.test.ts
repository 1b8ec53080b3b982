// What scenario 7 requires of the cluster besides the checker's properties, on hand-made
// histories: a consumer instance found gone is a violation unless it sat idle past the instance
// timeout, and the stalled member's commit must be refused.
import { describe, expect, it } from 'vitest'
import { lostInstanceViolations, stalledCommitViolations } from './consumers-expectations.ts'
import type { ConsumersHistory, MemberOp } from './consumers-history.ts'

const INSTANCE_TIMEOUT_MS = 20_000

const history = (memberOps: MemberOp[]): ConsumersHistory => ({
  sessionTimeoutMs: 3_000,
  produced: [],
  processed: [],
  memberOps,
  committedReads: [],
  coordinatorMoves: [],
})

const op = (
  member: string,
  kind: MemberOp['op'],
  span: [number, number],
  error?: string,
): MemberOp => ({
  member,
  op: kind,
  invokeMs: span[0],
  completeMs: span[1],
  outcome: error === undefined ? 'ok' : 'failed',
  holds: [],
  ...(error === undefined ? {} : { error }),
})

describe('lostInstanceViolations', () => {
  it('reports an instance gone while in use, by a member or by the observer', () => {
    const found = lostInstanceViolations(
      history([
        op('m1-1', 'poll', [0, 100]),
        op('m1-1', 'poll', [200, 300], '404 40403'),
        op('m2-1', 'poll', [0, 100]),
        op('m2-1', 'commit', [150, 160], '409 40903'),
      ]),
      [{ instance: 'observer-1', atMs: 500, idleMs: 300 }],
      INSTANCE_TIMEOUT_MS,
    )
    expect(found).toEqual({
      lost: 2,
      violations: [
        'member m1-1 lost its instance (40403 on poll at 300 ms)',
        'the observer lost its instance observer-1 (40403 at 500 ms)',
      ],
    })
  })

  it('accepts an instance gone after an instance timeout without a request', () => {
    const found = lostInstanceViolations(
      history([op('m1-1', 'poll', [0, 100]), op('m1-1', 'poll', [19_990, 20_000], '404 40403')]),
      [{ instance: 'observer-1', atMs: 30_000, idleMs: 20_500 }],
      INSTANCE_TIMEOUT_MS,
    )
    expect(found).toEqual({ lost: 0, violations: [] })
  })

  it('spells out the first five losses and counts the rest', () => {
    const ops = Array.from({ length: 7 }, (_, i) => op(`m${i}-1`, 'poll', [i, i + 1], '404 40403'))
    const found = lostInstanceViolations(history(ops), [], INSTANCE_TIMEOUT_MS)
    expect(found.lost).toBe(7)
    expect(found.violations).toHaveLength(6)
    expect(found.violations[5]).toBe('… and 2 more instances lost')
  })
})

describe('stalledCommitViolations', () => {
  const stall = { member: 'm1-1', untilMs: 6_000 }

  it("accepts the stalled member's commit refused with 409, and ignores its commits before", () => {
    const ops = [
      op('m1-1', 'commit', [10, 20]),
      op('m1-1', 'commit', [6_010, 6_020], '409 40903'),
      op('m1-1', 'commit', [6_100, 6_110]),
    ]
    expect(stalledCommitViolations(history(ops), stall)).toEqual([])
  })

  it("reports the stalled member's commit accepted after the stall", () => {
    const ops = [op('m1-1', 'commit', [6_010, 6_020])]
    expect(stalledCommitViolations(history(ops), stall)).toEqual([
      "the stalled member's commit was answered ok, not 409",
    ])
  })
})
