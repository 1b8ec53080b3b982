import type { SegmentSet } from './segment-set.ts'
import type { ReadResult } from './types.ts'

/**
 * Whole stored batches from the one holding `fromOffset`, across segment boundaries, stopping:
 * - before a batch that would take the total past `maxBytes`, except that the first batch is
 *   always returned whole (Kafka's minOneMessage, so an oversized batch cannot stall a reader);
 * - before the first batch that is not entirely below `limit` (exclusive): a batch that holds
 *   `limit` or starts past it is not returned, so a reader bounded by the high watermark never
 *   sees an offset at or past it.
 * The caller has checked `fromOffset` against the log's range.
 */
export function readBatches(
  segments: SegmentSet,
  fromOffset: number,
  maxBytes: number,
  limit: number,
): ReadResult {
  const batches: Uint8Array[] = []
  let sizeBytes = 0
  let nextOffset = fromOffset
  const all = segments.all
  let index = Math.max(0, segments.indexOf(fromOffset))
  scan: for (; index < all.length && nextOffset < limit; index++) {
    const segment = all[index]
    if (segment === undefined || segment.isEmpty) continue
    for (const batch of segment.readFrom(Math.max(nextOffset, segment.baseOffset))) {
      if (batch.lastOffset >= limit) break scan
      if (batches.length > 0 && sizeBytes + batch.sizeBytes > maxBytes) break scan
      batches.push(batch.bytes)
      sizeBytes += batch.sizeBytes
      nextOffset = batch.lastOffset + 1
    }
  }
  return { batches, sizeBytes, nextOffset }
}
