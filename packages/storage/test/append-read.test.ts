import {
  CorruptRecordError,
  decodeRecordBatch,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  readBatchHeader,
  stampBatch,
  TributaryError,
  verifyBatchCrc,
} from '@tributary/core'
import { describe, expect, it } from 'vitest'
import {
  batchOf,
  flipByte,
  offsetsOf,
  openLog,
  plain,
  readAll,
  tempDir,
  valuesOf,
} from './helpers.ts'

describe('append and read', () => {
  it('round-trips: stored bytes are the producer batch with offsets and epoch stamped', async () => {
    const log = await openLog()
    const first = batchOf(['a', 'b', 'c'])
    const second = batchOf(['d'])
    const expected = [first.slice(), second.slice()]
    stampBatch(expected[0] as Uint8Array, 0, 5)
    stampBatch(expected[1] as Uint8Array, 3, 5)
    expect(await log.append(first, 5)).toEqual({ baseOffset: 0, lastOffset: 2, logAppendTime: -1 })
    expect(await log.append(second, 5)).toEqual({ baseOffset: 3, lastOffset: 3, logAppendTime: -1 })
    // The log took the caller's buffers and stamped them in place, without a copy.
    expect([plain(first), plain(second)]).toEqual(expected)

    const { batches, sizeBytes, nextOffset } = log.read(0, 1 << 20)
    expect(batches.map(plain)).toEqual(expected)
    expect(sizeBytes).toBe(first.length + second.length)
    expect(nextOffset).toBe(4)
    expect(valuesOf(batches)).toEqual(['a', 'b', 'c', 'd'])
    expect(offsetsOf(batches)).toEqual([0, 1, 2, 3])
    expect(log.logEndOffset).toBe(4)
    expect(log.logStartOffset).toBe(0)
  })

  it('keeps everything across close and reopen', async () => {
    const dir = tempDir()
    const log = await openLog({ dir })
    await log.append(batchOf(['a', 'b']), 0)
    await log.append(batchOf(['c']), 1)
    const before = readAll(log).map(plain)
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.logEndOffset).toBe(3)
    expect(readAll(reopened).map(plain)).toEqual(before)
    expect(reopened.leaderEpochs).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 2 },
    ])
    expect((await reopened.append(batchOf(['d']), 1)).baseOffset).toBe(3)
  })

  it('starts a read at the batch holding fromOffset', async () => {
    const log = await openLog()
    await log.append(batchOf(['a', 'b', 'c']), 0)
    await log.append(batchOf(['d', 'e']), 0)
    expect(offsetsOf(log.read(1, 1 << 20).batches)).toEqual([0, 1, 2, 3, 4])
    expect(offsetsOf(log.read(4, 1 << 20).batches)).toEqual([3, 4])
    expect(log.read(5, 1 << 20)).toEqual({ batches: [], sizeBytes: 0, nextOffset: 5 })
  })

  it('honours maxBytes, but always returns a first batch whole', async () => {
    const log = await openLog()
    const sizes: number[] = []
    for (const value of ['one', 'two', 'three']) {
      const batch = batchOf([value])
      sizes.push(batch.length)
      await log.append(batch, 0)
    }
    const [a = 0, b = 0] = sizes
    expect(valuesOf(log.read(0, 1).batches)).toEqual(['one'])
    expect(valuesOf(log.read(0, a + b - 1).batches)).toEqual(['one'])
    expect(valuesOf(log.read(0, a + b).batches)).toEqual(['one', 'two'])
    expect(log.read(0, a + b).nextOffset).toBe(2)
  })

  it('upTo is exclusive and a batch straddling it is not returned', async () => {
    const log = await openLog()
    await log.append(batchOf(['a', 'b']), 0) // 0-1
    await log.append(batchOf(['c', 'd']), 0) // 2-3
    await log.append(batchOf(['e']), 0) // 4
    expect(offsetsOf(log.read(0, 1 << 20, 4).batches)).toEqual([0, 1, 2, 3])
    expect(offsetsOf(log.read(0, 1 << 20, 3).batches)).toEqual([0, 1])
    expect(log.read(2, 1 << 20, 3).batches).toEqual([])
    expect(log.read(2, 1 << 20, 2).nextOffset).toBe(2)
    expect(offsetsOf(log.read(0, 1 << 20, 99).batches)).toEqual([0, 1, 2, 3, 4])
  })

  it('refuses offsets outside [log start, log end]', async () => {
    const log = await openLog()
    await log.append(batchOf(['a', 'b', 'c']), 0)
    expect(() => log.read(4, 100)).toThrow(OffsetOutOfRangeError)
    expect(() => log.read(-1, 100)).toThrow(OffsetOutOfRangeError)
    log.setHighWatermark(3)
    log.deleteRecordsBefore(2)
    expect(() => log.read(1, 100)).toThrow(OffsetOutOfRangeError)
    expect(offsetsOf(log.read(2, 100).batches)).toEqual([0, 1, 2])
  })

  it('stamps LogAppendTime when the topic asks for it', async () => {
    const log = await openLog({
      config: { messageTimestampType: 'LogAppendTime' },
      now: () => 1_800_000_000_000,
    })
    const result = await log.append(batchOf(['a', 'b'], { timestamp: 1000 }), 0)
    expect(result.logAppendTime).toBe(1_800_000_000_000)
    const [stored] = readAll(log)
    if (stored === undefined) throw new Error('nothing stored')
    verifyBatchCrc(stored)
    const decoded = decodeRecordBatch(stored)
    expect(decoded.header.timestampType).toBe('LogAppendTime')
    expect(decoded.header.maxTimestamp).toBe(1_800_000_000_000)
    expect(decoded.records.map((record) => record.timestamp)).toEqual([
      1_800_000_000_000, 1_800_000_000_000,
    ])
  })
})

describe('append refuses bad batches and stores nothing', () => {
  async function logWithData() {
    const log = await openLog({ config: { maxMessageBytes: 200 } })
    await log.append(batchOf(['kept']), 0)
    return log
  }

  async function expectUnchanged(log: Awaited<ReturnType<typeof logWithData>>) {
    expect(log.logEndOffset).toBe(1)
    expect(valuesOf(readAll(log))).toEqual(['kept'])
    // The next good append takes the next offset: the refusal left no hole.
    expect((await log.append(batchOf(['next']), 0)).baseOffset).toBe(1)
  }

  it('a wrong CRC', async () => {
    const log = await logWithData()
    const batch = batchOf(['x'])
    flipByte(batch)
    await expect(log.append(batch, 0)).rejects.toThrow(CorruptRecordError)
    await expectUnchanged(log)
  })

  it('a batch over max.message.bytes', async () => {
    const log = await logWithData()
    const big = batchOf(['y'.repeat(300)])
    await expect(log.append(big, 0)).rejects.toThrow(RecordTooLargeError)
    await expectUnchanged(log)
  })

  it('a magic other than 2', async () => {
    const log = await logWithData()
    const batch = batchOf(['x'])
    batch[16] = 1
    await expect(log.append(batch, 0)).rejects.toThrow(/magic/)
    await expectUnchanged(log)
  })

  it('trailing bytes after the batch, or a truncated batch', async () => {
    const log = await logWithData()
    const batch = batchOf(['x'])
    const longer = new Uint8Array(batch.length + 3)
    longer.set(batch)
    await expect(log.append(longer, 0)).rejects.toThrow(CorruptRecordError)
    await expect(log.append(batch.subarray(0, batch.length - 1), 0)).rejects.toThrow(
      CorruptRecordError,
    )
    await expectUnchanged(log)
  })

  it('an invalid or stale leader epoch', async () => {
    const log = await logWithData()
    await log.append(batchOf(['e3']), 3)
    await expect(log.append(batchOf(['x']), -1)).rejects.toThrow(TributaryError)
    await expect(log.append(batchOf(['x']), 2)).rejects.toMatchObject({
      code: 'FENCED_LEADER_EPOCH',
    })
    expect(log.logEndOffset).toBe(2)
    expect(log.latestEpoch).toBe(3)
  })

  it('a refused append in the middle of a group takes no offset', async () => {
    const log = await logWithData()
    await log.append(batchOf(['e5']), 5)
    const results = await Promise.allSettled([
      log.append(batchOf(['a']), 5),
      log.append(batchOf(['stale']), 4),
      log.append(batchOf(['b']), 5),
    ])
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(valuesOf(readAll(log))).toEqual(['kept', 'e5', 'a', 'b'])
    expect(offsetsOf(readAll(log))).toEqual([0, 1, 2, 3])
    expect(readBatchHeader(readAll(log)[3] as Uint8Array).baseOffset).toBe(3)
  })
})
