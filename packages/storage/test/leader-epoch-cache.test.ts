import { describe, expect, it } from 'vitest'
import { LeaderEpochCache } from '../src/internal.ts'

/** Epoch 1 from 0, epoch 3 from 10, epoch 4 from 25; the log ends at 40. */
function sample(): LeaderEpochCache {
  const cache = new LeaderEpochCache()
  cache.assign(1, 0)
  cache.assign(3, 10)
  cache.assign(4, 25)
  return cache
}

describe('LeaderEpochCache', () => {
  it('answers OffsetsForLeaderEpoch as Kafka does', () => {
    const cache = sample()
    expect(cache.endOffsetFor(4, 40)).toEqual({ epoch: 4, endOffset: 40 })
    expect(cache.endOffsetFor(3, 40)).toEqual({ epoch: 3, endOffset: 25 })
    expect(cache.endOffsetFor(1, 40)).toEqual({ epoch: 1, endOffset: 10 })
    // An epoch this log never had: the largest epoch below it, ending where the next one starts.
    expect(cache.endOffsetFor(2, 40)).toEqual({ epoch: 1, endOffset: 10 })
    // Below every known epoch: the requested epoch, ending where the first known one starts.
    expect(cache.endOffsetFor(0, 40)).toEqual({ epoch: 0, endOffset: 0 })
    // Unknown: above the latest, or undefined.
    expect(cache.endOffsetFor(5, 40)).toEqual({ epoch: -1, endOffset: -1 })
    expect(cache.endOffsetFor(-1, 40)).toEqual({ epoch: -1, endOffset: -1 })
    expect(new LeaderEpochCache().endOffsetFor(0, 0)).toEqual({ epoch: -1, endOffset: -1 })
  })

  it('ignores epochs that are not newer than the latest', () => {
    const cache = sample()
    expect(cache.assign(4, 30)).toBe(false)
    expect(cache.assign(2, 30)).toBe(false)
    expect(cache.assign(5, 30)).toBe(true)
    expect(cache.latestEpoch).toBe(5)
    expect(cache.entries.map((entry) => entry.epoch)).toEqual([1, 3, 4, 5])
  })

  it('truncates from the end: epochs starting at or past the new end go', () => {
    const cache = sample()
    cache.truncateFromEnd(25)
    expect(cache.entries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
    ])
    expect(cache.endOffsetFor(3, 25)).toEqual({ epoch: 3, endOffset: 25 })
  })

  it('truncates from the start: the epoch covering the new start moves up to it', () => {
    const cache = sample()
    cache.truncateFromStart(12)
    expect(cache.entries).toEqual([
      { epoch: 3, startOffset: 12 },
      { epoch: 4, startOffset: 25 },
    ])
    cache.truncateFromStart(25)
    expect(cache.entries).toEqual([{ epoch: 4, startOffset: 25 }])
  })

  it('rebuilds from per-segment entries, dropping repeats of an epoch', () => {
    // Segment 0 holds epochs 1 and 3; segment 20 repeats epoch 3 for its first batch.
    const cache = LeaderEpochCache.fromEntries([
      { epoch: 4, startOffset: 25 },
      { epoch: 3, startOffset: 20 },
      { epoch: 3, startOffset: 10 },
      { epoch: 1, startOffset: 0 },
    ])
    expect(cache.entries).toEqual(sample().entries)
    // Once segment 0 is gone, the repeat keeps epoch 3's history from segment 20 on.
    const later = LeaderEpochCache.fromEntries([
      { epoch: 3, startOffset: 20 },
      { epoch: 4, startOffset: 25 },
    ])
    expect(later.endOffsetFor(3, 40)).toEqual({ epoch: 3, endOffset: 25 })
  })
})
