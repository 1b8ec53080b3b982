import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { batchOf, offsetsOf, openLog, readAll, tempDir, valuesOf } from './helpers.ts'

const segmentCount = (dir: string) =>
  readdirSync(dir).filter((name) => /^\d{20}\.sqlite$/.test(name)).length

/**
 * Epoch 0: offsets 0-3 (batches 0-1, 2-3); epoch 2: 4-6 (4-5, 6); epoch 5: 7-9 (7-9).
 * Segments hold about two batches each.
 */
async function threeEpochs(dir = tempDir()) {
  const size = batchOf(['a', 'b']).length
  const log = await openLog({ dir, config: { segmentBytes: size * 2 } })
  await log.append(batchOf(['a', 'b']), 0)
  await log.append(batchOf(['c', 'd']), 0)
  await log.append(batchOf(['e', 'f']), 2)
  await log.append(batchOf(['g']), 2)
  await log.append(batchOf(['h', 'i', 'j']), 5)
  return log
}

describe('leader epochs', () => {
  it('are recorded on leader appends and answer OffsetsForLeaderEpoch', async () => {
    const log = await threeEpochs()
    expect(log.leaderEpochs).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 4 },
      { epoch: 5, startOffset: 7 },
    ])
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 10 })
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 7 })
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 4 })
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 0, endOffset: 4 })
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 2, endOffset: 7 })
    expect(log.endOffsetForEpoch(6)).toEqual({ epoch: -1, endOffset: -1 })
  })

  it('survive a reopen, rebuilt from the segments', async () => {
    const dir = tempDir()
    const log = await threeEpochs(dir)
    const before = log.leaderEpochs
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.leaderEpochs).toEqual(before)
    expect(reopened.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 7 })
  })
})

describe('truncateTo', () => {
  it('into the middle of an epoch: later epochs are forgotten, the lookup follows', async () => {
    const dir = tempDir()
    const log = await threeEpochs(dir)
    log.setHighWatermark(10)
    expect(log.truncateTo(6)).toBe(6)
    expect(log.logEndOffset).toBe(6)
    expect(log.highWatermark).toBe(6)
    expect(valuesOf(readAll(log))).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(log.leaderEpochs.map((entry) => entry.epoch)).toEqual([0, 2])
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 6 })
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: -1, endOffset: -1 })
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 4 })
    // A new leader epoch continues from the truncation point.
    expect(await log.append(batchOf(['k']), 7)).toMatchObject({ baseOffset: 6 })
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 6 })
    expect(log.endOffsetForEpoch(7)).toEqual({ epoch: 7, endOffset: 7 })
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.leaderEpochs).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 4 },
      { epoch: 7, startOffset: 6 },
    ])
    expect(reopened.highWatermark).toBe(6)
    expect(offsetsOf(readAll(reopened))).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('removes the batch holding the offset whole', async () => {
    const log = await threeEpochs()
    expect(log.truncateTo(8)).toBe(7) // batch 7-9 goes whole
    expect(log.logEndOffset).toBe(7)
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 7 })
    expect(log.truncateTo(3)).toBe(2)
    expect(valuesOf(readAll(log))).toEqual(['a', 'b'])
    expect(log.leaderEpochs).toEqual([{ epoch: 0, startOffset: 0 }])
  })

  it('deletes whole later segment files', async () => {
    const dir = tempDir()
    const log = await threeEpochs(dir)
    const before = segmentCount(dir)
    expect(before).toBeGreaterThan(2)
    log.truncateTo(2)
    expect(segmentCount(dir)).toBe(1)
    expect(log.segments).toHaveLength(1)
    expect((await log.append(batchOf(['z']), 9)).baseOffset).toBe(2)
  })

  it('at or past the log end changes nothing', async () => {
    const log = await threeEpochs()
    expect(log.truncateTo(10)).toBe(10)
    expect(log.truncateTo(99)).toBe(10)
    expect(log.leaderEpochs).toHaveLength(3)
  })

  it('to zero empties the log', async () => {
    const log = await threeEpochs()
    expect(log.truncateTo(0)).toBe(0)
    expect(readAll(log)).toEqual([])
    expect(log.leaderEpochs).toEqual([])
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: -1, endOffset: -1 })
  })

  it('below the first segment restarts the log there; truncateFullyAndStartAt too', async () => {
    const dir = tempDir()
    const log = await threeEpochs(dir)
    log.setHighWatermark(10)
    log.deleteRecordsBefore(4)
    expect(log.segments[0]?.baseOffset).toBe(4)
    expect(log.truncateTo(2)).toBe(2)
    expect(log.logStartOffset).toBe(2)
    expect(log.logEndOffset).toBe(2)
    expect(log.highWatermark).toBe(2)
    expect(segmentCount(dir)).toBe(1)
    log.truncateFullyAndStartAt(100)
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([100, 100, 100])
    expect(await log.append(batchOf(['x']), 9)).toMatchObject({ baseOffset: 100 })
    await log.close()
    const reopened = await openLog({ dir })
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([100, 101])
    expect(reopened.leaderEpochs).toEqual([{ epoch: 9, startOffset: 100 }])
  })
})

describe('deleteRecordsBefore and epochs', () => {
  it('moves the epoch covering the new log start up to it', async () => {
    const dir = tempDir()
    const log = await threeEpochs(dir)
    log.setHighWatermark(10)
    log.deleteRecordsBefore(5)
    expect(log.leaderEpochs).toEqual([
      { epoch: 2, startOffset: 5 },
      { epoch: 5, startOffset: 7 },
    ])
    // Epoch 0's history is gone: Kafka answers with the start of the first epoch still known.
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 5 })
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 7 })
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.leaderEpochs).toEqual([
      { epoch: 2, startOffset: 5 },
      { epoch: 5, startOffset: 7 },
    ])
  })
})
