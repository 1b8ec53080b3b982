import { readdirSync } from 'node:fs'
import { OffsetOutOfRangeError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { segmentFileName } from '../src/internal.ts'
import { batchOf, offsetsOf, openLog, readAll, tempDir, valuesOf } from './helpers.ts'

const segmentFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => /^\d{20}\.sqlite$/.test(name))
    .sort()

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('segments', () => {
  it('roll by segment.bytes, keep offsets contiguous and read across boundaries', async () => {
    const dir = tempDir()
    const batchSize = batchOf(['value-00']).length
    const log = await openLog({ dir, config: { segmentBytes: batchSize * 3 } })
    const values = Array.from(
      { length: 20 },
      (_, index) => `value-${String(index).padStart(2, '0')}`,
    )
    // Concurrent appends: one group crossing several roll points.
    await Promise.all(values.slice(0, 10).map((value) => log.append(batchOf([value]), 0)))
    for (const value of values.slice(10)) await log.append(batchOf([value]), 0)
    expect(log.segments.map((segment) => segment.baseOffset)).toEqual([0, 3, 6, 9, 12, 15, 18])
    expect(segmentFiles(dir)).toEqual([0, 3, 6, 9, 12, 15, 18].map(segmentFileName))
    expect(log.stats.segmentsRolled).toBe(6)
    expect(offsetsOf(readAll(log))).toEqual(values.map((_, index) => index))
    expect(valuesOf(log.read(2, batchSize * 4).batches)).toEqual(values.slice(2, 6))
    await log.close()
    const reopened = await openLog({ dir, config: { segmentBytes: batchSize * 3 } })
    expect(valuesOf(readAll(reopened))).toEqual(values)
    expect((await reopened.append(batchOf(['more']), 0)).baseOffset).toBe(20)
  })

  it('a batch larger than segment.bytes gets a segment of its own', async () => {
    const log = await openLog({ config: { segmentBytes: 100 } })
    await log.append(batchOf(['x'.repeat(150)]), 0)
    await log.append(batchOf(['y'.repeat(150)]), 0)
    expect(log.segments.map((segment) => segment.baseOffset)).toEqual([0, 1])
  })

  it('roll by segment.ms, measured from the first append into the segment', async () => {
    const time = clock()
    const log = await openLog({ now: time.now, config: { segmentMs: 60_000 } })
    await log.append(batchOf(['a']), 0)
    time.advance(59_999)
    await log.append(batchOf(['b']), 0)
    expect(log.segments).toHaveLength(1)
    time.advance(1)
    await log.append(batchOf(['c']), 0)
    expect(log.segments.map((segment) => segment.baseOffset)).toEqual([0, 2])
    // The new segment's age starts at its own first append.
    time.advance(30_000)
    await log.append(batchOf(['d']), 0)
    expect(log.segments).toHaveLength(2)
  })

  it('the segment age survives a reopen', async () => {
    const dir = tempDir()
    const time = clock()
    const log = await openLog({ dir, now: time.now, config: { segmentMs: 60_000 } })
    await log.append(batchOf(['a']), 0)
    await log.close()
    time.advance(60_000)
    const reopened = await openLog({ dir, now: time.now, config: { segmentMs: 60_000 } })
    await reopened.append(batchOf(['b']), 0)
    expect(reopened.segments.map((segment) => segment.baseOffset)).toEqual([0, 1])
  })
})

describe('retention', () => {
  /** Four segments of two batches each, the record timestamps of segment n being n * 1000. */
  async function fourSegments(config: { retentionMs?: number; retentionBytes?: number }) {
    const dir = tempDir()
    const time = clock(6_500)
    const size = batchOf(['v0']).length
    const log = await openLog({ dir, now: time.now, config: { segmentBytes: size * 2, ...config } })
    for (let index = 0; index < 8; index++) {
      await log.append(batchOf([`v${index}`], { timestamp: Math.floor(index / 2) * 1000 }), 0)
    }
    log.setHighWatermark(log.logEndOffset)
    return { dir, log, time, size }
  }

  it('by time deletes closed segments past retention.ms, never the active one', async () => {
    const { dir, log, time } = await fourSegments({ retentionMs: 5_000 })
    expect(log.segments).toHaveLength(4)
    // Now 6500: the segments whose newest timestamp is below 1500 have expired.
    const first = log.applyRetention()
    expect(first.deletedSegments.map((segment) => [segment.baseOffset, segment.reason])).toEqual([
      [0, 'retention-ms'],
      [2, 'retention-ms'],
    ])
    expect(first.logStartOffset).toBe(4)
    expect(log.logStartOffset).toBe(4)
    expect(segmentFiles(dir)).toEqual([4, 6].map(segmentFileName))
    expect(() => log.read(3, 100)).toThrow(OffsetOutOfRangeError)
    time.advance(1_000_000)
    const second = log.applyRetention()
    expect(second.deletedSegments.map((segment) => segment.baseOffset)).toEqual([4])
    // The active segment is expired too, but stays.
    expect(log.segments.map((segment) => segment.baseOffset)).toEqual([6])
    expect(valuesOf(readAll(log))).toEqual(['v6', 'v7'])
    expect(log.applyRetention().deletedSegments).toEqual([])
  })

  it('by size deletes the oldest closed segments while the rest stays at or above retention.bytes', async () => {
    const { log, size } = await fourSegments({ retentionBytes: -1 })
    expect(log.applyRetention().deletedSegments).toEqual([])
    await log.close()
    const { log: bounded } = await fourSegments({ retentionBytes: size * 3 })
    const result = bounded.applyRetention()
    expect(result.deletedSegments.map((segment) => [segment.baseOffset, segment.reason])).toEqual([
      [0, 'retention-bytes'],
      [2, 'retention-bytes'],
    ])
    expect(bounded.logStartOffset).toBe(4)
    expect(valuesOf(readAll(bounded))).toEqual(['v4', 'v5', 'v6', 'v7'])
  })

  it('keeps segments that are not below the high watermark', async () => {
    const { log } = await fourSegments({ retentionBytes: 0 })
    log.setHighWatermark(3)
    expect(log.applyRetention().deletedSegments.map((segment) => segment.baseOffset)).toEqual([0])
  })

  it('the new log start survives a reopen', async () => {
    const { dir, log } = await fourSegments({ retentionBytes: 0 })
    log.applyRetention()
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.logStartOffset).toBe(6)
    expect(valuesOf(readAll(reopened))).toEqual(['v6', 'v7'])
  })
})

describe('deleteRecordsBefore', () => {
  it('moves the log start, deletes whole segments below it, and persists it', async () => {
    const dir = tempDir()
    const size = batchOf(['v0']).length
    const log = await openLog({ dir, config: { segmentBytes: size * 2 } })
    for (let index = 0; index < 6; index++) await log.append(batchOf([`v${index}`]), 0)
    expect(() => log.deleteRecordsBefore(1)).toThrow(OffsetOutOfRangeError) // beyond the HW (0)
    log.setHighWatermark(6)
    const result = log.deleteRecordsBefore(3)
    expect(result.logStartOffset).toBe(3)
    expect(result.deletedSegments.map((segment) => segment.baseOffset)).toEqual([0])
    expect(segmentFiles(dir)).toEqual([2, 4].map(segmentFileName))
    expect(() => log.read(2, 100)).toThrow(OffsetOutOfRangeError)
    expect(valuesOf(log.read(3, 1 << 20).batches)).toEqual(['v3', 'v4', 'v5'])
    // Moving backwards changes nothing.
    expect(log.deleteRecordsBefore(1)).toEqual({ deletedSegments: [], logStartOffset: 3 })
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.logStartOffset).toBe(3)
    expect(() => reopened.read(2, 100)).toThrow(OffsetOutOfRangeError)
    // Up to the log end: every closed segment goes, the active one stays, empty to readers.
    reopened.deleteRecordsBefore(6)
    expect(reopened.segments.map((segment) => segment.baseOffset)).toEqual([4])
    expect(reopened.read(6, 100).batches).toEqual([])
    expect((await reopened.append(batchOf(['v6']), 0)).baseOffset).toBe(6)
  })
})
