import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import {
  batchSizeOf,
  type Logger,
  lastOffsetOf,
  readBatchHeader,
  verifyBatchCrc,
} from '@tributary/core'
import { parseSegmentFileName, SEGMENT_SUFFIX, type Segment } from '../segment/index.ts'

/**
 * The base offsets of the segment files in `dir`, ascending. Removes `-wal`/`-shm` files whose
 * segment file is gone (a deletion interrupted between unlinks), so a future segment of the same
 * name can never pick up a stale WAL.
 */
export function listSegmentFiles(dir: string): number[] {
  const names = readdirSync(dir)
  const bases: number[] = []
  for (const name of names) {
    const base = parseSegmentFileName(name)
    if (base !== undefined) {
      bases.push(base)
      continue
    }
    for (const suffix of ['-wal', '-shm']) {
      if (!name.endsWith(`${SEGMENT_SUFFIX}${suffix}`)) continue
      const main = name.slice(0, -suffix.length)
      if (parseSegmentFileName(main) !== undefined && !existsSync(join(dir, main))) {
        rmSync(join(dir, name), { force: true })
      }
    }
  }
  return bases.sort((a, b) => a - b)
}

/**
 * Keeps the longest run of segments, from the first, in which each segment starts where the
 * previous one ends; later segments are deleted (newest first) and logged. A gap means a file
 * went missing or was damaged outside our control; offsets past it cannot be served in order.
 */
export function dropDiscontinuousSegments(segments: Segment[], logger: Logger): Segment[] {
  let keep = 1
  while (keep < segments.length) {
    const previous = segments[keep - 1] as Segment
    const segment = segments[keep] as Segment
    if (segment.baseOffset !== previous.nextOffset) break
    keep++
  }
  if (keep === segments.length) return segments
  const dropped = segments.slice(keep)
  logger.error(
    {
      expectedBaseOffset: (segments[keep - 1] as Segment).nextOffset,
      droppedSegments: dropped.map((segment) => segment.path),
      fromOffset: dropped[0]?.baseOffset,
      toOffset: (dropped.at(-1)?.nextOffset ?? 0) - 1,
    },
    'segments do not continue the log; deleted them and everything after',
  )
  for (const segment of dropped.reverse()) segment.delete()
  return segments.slice(0, keep)
}

/**
 * Checks the newest `count` batches of the active segment: each one's CRC, that its header agrees
 * with its row (offsets, size, leader epoch) and that offsets run on without gaps. At the first
 * bad batch the tail is cut from there (a batch is never split) and a warning names the segment,
 * the offsets cut and the reason. Returns the number of batches cut.
 */
export function recoverTail(segment: Segment, count: number, logger: Logger): number {
  const rows = segment.lastBatches(count).reverse()
  // With the whole segment in view, its first batch must start at the segment's base offset.
  let expected: number | undefined = rows.length < count ? segment.baseOffset : rows[0]?.baseOffset
  for (const row of rows) {
    const problem = problemWith(row, expected)
    if (problem !== undefined) {
      const endOffset = segment.nextOffset
      const removed = segment.truncateFrom(row.baseOffset)
      logger.warn(
        {
          segment: segment.path,
          fromOffset: row.baseOffset,
          toOffset: endOffset - 1,
          batches: removed,
          reason: problem,
        },
        'recovery cut a corrupt tail from the log',
      )
      return removed
    }
    expected = row.lastOffset + 1
  }
  return 0
}

function problemWith(
  row: ReturnType<Segment['lastBatches']>[number],
  expectedBaseOffset: number | undefined,
): string | undefined {
  if (expectedBaseOffset !== undefined && row.baseOffset !== expectedBaseOffset) {
    return `batch at offset ${row.baseOffset} where ${expectedBaseOffset} was expected`
  }
  try {
    verifyBatchCrc(row.bytes)
    const header = readBatchHeader(row.bytes)
    if (batchSizeOf(header) !== row.bytes.length || row.bytes.length !== row.sizeBytes) {
      return `batch at offset ${row.baseOffset}: stored ${row.bytes.length} bytes, header says ${batchSizeOf(header)}`
    }
    if (header.baseOffset !== row.baseOffset || lastOffsetOf(header) !== row.lastOffset) {
      return `batch at offset ${row.baseOffset}: header says offsets ${header.baseOffset}..${lastOffsetOf(header)}`
    }
    if (header.partitionLeaderEpoch !== row.leaderEpoch) {
      return `batch at offset ${row.baseOffset}: header says leader epoch ${header.partitionLeaderEpoch}, row ${row.leaderEpoch}`
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  return undefined
}
