import type { SegmentSummary } from '../segment/index.ts'
import type { LogConfig } from './config.ts'
import type { DeletedSegment } from './types.ts'

export interface RetentionInput {
  /** Every segment in offset order, the active one last. */
  readonly segments: readonly SegmentSummary[]
  readonly highWatermark: number
  readonly nowMs: number
  readonly config: Pick<LogConfig, 'retentionMs' | 'retentionBytes'>
}

/**
 * Which of the oldest segments retention deletes, oldest first. Kafka's rules for
 * `cleanup.policy=delete`:
 * - only whole closed segments, never the active one, and only segments wholly below the high
 *   watermark (records not yet committed are never expired);
 * - by time: while the oldest segment's newest timestamp is older than `now - retention.ms`
 *   (a segment whose batches carry no timestamp falls back to the time of its first append);
 * - then by size: while deleting the oldest segment still leaves the partition at or above
 *   `retention.bytes`.
 * -1 turns either rule off. Pure, so it is tested without files.
 */
export function selectExpiredSegments(input: RetentionInput): DeletedSegment[] {
  const { segments, highWatermark, nowMs, config } = input
  const closed = segments.slice(0, -1)
  const deleted: DeletedSegment[] = []
  let index = 0
  const deletable = (segment: SegmentSummary) => segment.nextOffset <= highWatermark
  const entry = (segment: SegmentSummary, reason: DeletedSegment['reason']): DeletedSegment => ({
    baseOffset: segment.baseOffset,
    nextOffset: segment.nextOffset,
    sizeBytes: segment.sizeBytes,
    reason,
  })

  if (config.retentionMs >= 0) {
    const cutoff = nowMs - config.retentionMs
    for (; index < closed.length; index++) {
      const segment = closed[index] as SegmentSummary
      const newest = segment.maxTimestamp >= 0 ? segment.maxTimestamp : segment.createdAtMs
      if (!deletable(segment) || newest === null || newest >= cutoff) break
      deleted.push(entry(segment, 'retention-ms'))
    }
  }

  if (config.retentionBytes >= 0) {
    let excess = -config.retentionBytes
    for (const segment of segments.slice(index)) excess += segment.sizeBytes
    for (; index < closed.length; index++) {
      const segment = closed[index] as SegmentSummary
      if (!deletable(segment) || excess - segment.sizeBytes < 0) break
      excess -= segment.sizeBytes
      deleted.push(entry(segment, 'retention-bytes'))
    }
  }
  return deleted
}
