import type { OffsetsForLeaderEpochResponse } from '@tributary/core'

/** The part of a follower's log the truncation decision reads. */
export interface FollowerLogView {
  readonly logEndOffset: number
  readonly highWatermark: number
  /** Where `epoch` ends in this log, as OffsetsForLeaderEpoch answers (-1s when unknown). */
  endOffsetForEpoch(epoch: number): { readonly epoch: number; readonly endOffset: number }
}

/**
 * Where a follower truncates its log before fetching from a new leader (KIP-101 and KIP-279),
 * given the leader's answer for the follower's latest epoch:
 * - the leader has that epoch: keep what both logs hold of it, up to the leader's end of it;
 * - the leader answers an older epoch (it never had the follower's latest, which a deposed
 *   leader wrote alone): keep up to where that older epoch ends in both logs;
 * - the leader knows no epoch but knows its log end (its log is empty of batches): keep up to it;
 * - the leader knows nothing: fall back to the follower's own high watermark (Kafka's pre-KIP-101
 *   rule, only reachable for logs without epochs).
 * Never past the follower's own log end. Pure.
 */
export function truncationOffset(
  log: FollowerLogView,
  requestedEpoch: number,
  answer: Pick<OffsetsForLeaderEpochResponse, 'leaderEpoch' | 'endOffset'>,
): number {
  let target: number
  if (answer.leaderEpoch === requestedEpoch && answer.endOffset >= 0) {
    target = answer.endOffset
  } else if (answer.leaderEpoch >= 0 && answer.endOffset >= 0) {
    const mine = log.endOffsetForEpoch(answer.leaderEpoch).endOffset
    target = mine >= 0 ? Math.min(mine, answer.endOffset) : answer.endOffset
  } else if (answer.endOffset >= 0) {
    target = answer.endOffset
  } else {
    target = log.highWatermark
  }
  return Math.min(target, log.logEndOffset)
}
