import { describe, expect, it } from 'vitest'
import type { SegmentSummary } from '../src/index.ts'
import { selectExpiredSegments, shouldRoll } from '../src/internal.ts'

function segment(
  baseOffset: number,
  nextOffset: number,
  sizeBytes: number,
  maxTimestamp: number,
): SegmentSummary {
  return {
    baseOffset,
    nextOffset,
    sizeBytes,
    batchCount: nextOffset - baseOffset,
    maxTimestamp,
    createdAtMs: 0,
  }
}

// Three closed segments of 100 bytes with newest timestamps 1000, 2000, 3000, then the active one.
const segments = [
  segment(0, 10, 100, 1000),
  segment(10, 20, 100, 2000),
  segment(20, 30, 100, 3000),
  segment(30, 35, 50, 500),
]
const off = { retentionMs: -1, retentionBytes: -1 }

describe('retention rules', () => {
  it('by time: oldest segments whose newest record is past retention.ms, never the active one', () => {
    const select = (nowMs: number, retentionMs: number) =>
      selectExpiredSegments({
        segments,
        highWatermark: 35,
        nowMs,
        config: { ...off, retentionMs },
      }).map((entry) => [entry.baseOffset, entry.reason])
    expect(select(2500, 1000)).toEqual([[0, 'retention-ms']])
    expect(select(3500, 1000)).toEqual([
      [0, 'retention-ms'],
      [10, 'retention-ms'],
    ])
    // Everything is expired, the active segment (newest timestamp 500) included: it stays.
    expect(select(100_000, 1000).map(([base]) => base)).toEqual([0, 10, 20])
    expect(select(100_000, -1)).toEqual([])
  })

  it('by size: delete the oldest while what remains is still at least retention.bytes', () => {
    const select = (retentionBytes: number) =>
      selectExpiredSegments({
        segments,
        highWatermark: 35,
        nowMs: 0,
        config: { ...off, retentionBytes },
      }).map((entry) => entry.baseOffset)
    expect(select(350)).toEqual([])
    expect(select(249)).toEqual([0])
    expect(select(250)).toEqual([0])
    expect(select(150)).toEqual([0, 10])
    expect(select(0)).toEqual([0, 10, 20])
  })

  it('never deletes a segment that is not wholly below the high watermark', () => {
    const config = { retentionMs: 0, retentionBytes: 0 }
    const select = (highWatermark: number) =>
      selectExpiredSegments({ segments, highWatermark, nowMs: 100_000, config }).map(
        (s) => s.baseOffset,
      )
    expect(select(0)).toEqual([])
    expect(select(19)).toEqual([0])
    expect(select(20)).toEqual([0, 10])
  })

  it('a segment without timestamps ages by its first append', () => {
    const untimed = [{ ...segment(0, 10, 100, -1), createdAtMs: 5000 }, segment(10, 11, 1, 9000)]
    const select = (nowMs: number) =>
      selectExpiredSegments({
        segments: untimed,
        highWatermark: 11,
        nowMs,
        config: { ...off, retentionMs: 1000 },
      })
    expect(select(5500)).toEqual([])
    expect(select(6001)).toHaveLength(1)
  })
})

describe('roll rule', () => {
  const config = { segmentBytes: 1000, segmentMs: 60_000 }
  const active = { ...segment(0, 10, 900, 0), createdAtMs: 1_000_000 }

  it('rolls when the incoming bytes would pass segment.bytes', () => {
    expect(shouldRoll(active, 0, 100, 1_000_000, config)).toBe(false)
    expect(shouldRoll(active, 0, 101, 1_000_000, config)).toBe(true)
  })

  it('rolls once the segment is segment.ms old, measured from its first append', () => {
    expect(shouldRoll(active, 0, 1, 1_059_999, config)).toBe(false)
    expect(shouldRoll(active, 0, 1, 1_060_000, config)).toBe(true)
  })

  it('never rolls an empty segment, however large the batch', () => {
    const empty = { ...segment(10, 10, 0, -1), createdAtMs: null }
    expect(shouldRoll(empty, 0, 10_000, 9_999_999, config)).toBe(false)
    expect(shouldRoll(empty, 1, 10_000, 9_999_999, config)).toBe(true)
  })
})
