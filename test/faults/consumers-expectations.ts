/**
 * What the consumer-group fault scenario requires of the cluster beyond the checker's
 * properties, judged from the round's history once it is over: the stalled member's commit is
 * refused, and no consumer instance is lost. Each returns the violations it finds, as sentences.
 */
import type { ConsumersHistory, MemberOp } from './consumers-history.ts'
import type { LostInstance } from './consumers-workload.ts'

/** How many losses are spelled out; the rest are counted. */
const SHOWN = 5

/**
 * The stalled member's first commit after its stall must be refused (409): its session
 * expired while it was silent, so its partitions moved.
 */
export function stalledCommitViolations(
  history: ConsumersHistory,
  stall: { readonly member: string | undefined; readonly untilMs: number },
): string[] {
  const afterStall = history.memberOps.find(
    (op) => op.member === stall.member && op.op === 'commit' && op.invokeMs >= stall.untilMs,
  )
  if (afterStall === undefined || afterStall.error?.startsWith('409') === true) return []
  return [`the stalled member's commit was answered ${afterStall.error ?? 'ok'}, not 409`]
}

/**
 * Consumer instances are records in `__consumer_offsets`, which the broker taking the group over
 * replays, so neither a coordinator move nor anything else in the round may cost one. The test
 * abandons instances only by making no further request on them, so a 40403 is either expiry
 * after `instanceTimeoutMs` without a request, or a loss. Idle time is counted from the sending
 * of the request before, so any expiry the broker could have applied is excused. Answers how
 * many were lost, and the violations (the first few spelled out).
 */
export function lostInstanceViolations(
  history: ConsumersHistory,
  observerLost: readonly LostInstance[],
  instanceTimeoutMs: number,
): { readonly lost: number; readonly violations: string[] } {
  const lost = [
    ...lostMemberInstances(history.memberOps, instanceTimeoutMs).map(
      (op) => `member ${op.member} lost its instance (40403 on ${op.op} at ${fmt(op.completeMs)})`,
    ),
    ...observerLost
      .filter((loss) => loss.idleMs < instanceTimeoutMs)
      .map(
        (loss) => `the observer lost its instance ${loss.instance} (40403 at ${fmt(loss.atMs)})`,
      ),
  ]
  const violations =
    lost.length <= SHOWN
      ? lost
      : [...lost.slice(0, SHOWN), `… and ${lost.length - SHOWN} more instances lost`]
  return { lost: lost.length, violations }
}

function lostMemberInstances(ops: readonly MemberOp[], instanceTimeoutMs: number): MemberOp[] {
  const previousSent = new Map<string, number>()
  const lost: MemberOp[] = []
  for (const op of [...ops].sort((a, b) => a.invokeMs - b.invokeMs)) {
    const since = previousSent.get(op.member)
    previousSent.set(op.member, op.invokeMs)
    if (op.error !== '404 40403') continue
    if (since !== undefined && op.completeMs - since >= instanceTimeoutMs) continue
    lost.push(op)
  }
  return lost
}

const fmt = (ms: number) => `${Math.round(ms)} ms`
