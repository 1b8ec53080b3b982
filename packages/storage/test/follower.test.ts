import { CorruptRecordError, stampBatch, UnexpectedAppendOffsetError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { batchOf, flipByte, offsetsOf, openLog, plain, readAll, valuesOf } from './helpers.ts'

/** A batch as a leader would have stored it. */
function leaderBatch(values: string[], baseOffset: number, epoch: number): Uint8Array {
  const batch = batchOf(values)
  stampBatch(batch, baseOffset, epoch)
  return batch
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

describe('appendAsFollower', () => {
  it("keeps the leader's offsets, epochs and bytes, from an array or fetched bytes", async () => {
    const log = await openLog()
    const first = [leaderBatch(['a', 'b'], 0, 1), leaderBatch(['c'], 2, 1)]
    const second = [leaderBatch(['d'], 3, 4), leaderBatch(['e', 'f'], 4, 6)]
    expect(await log.appendAsFollower(first)).toEqual({
      baseOffset: 0,
      lastOffset: 2,
      logAppendTime: -1,
    })
    expect(await log.appendAsFollower(concat(second))).toMatchObject({
      baseOffset: 3,
      lastOffset: 5,
    })
    expect(readAll(log).map(plain)).toEqual([...first, ...second])
    expect(log.leaderEpochs).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 4, startOffset: 3 },
      { epoch: 6, startOffset: 4 },
    ])
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 4 })
  })

  describe('refuses, leaving the log unchanged,', () => {
    async function followerWithData() {
      const log = await openLog()
      await log.appendAsFollower([leaderBatch(['a', 'b'], 0, 1)])
      return { log }
    }

    async function expectUnchanged(log: Awaited<ReturnType<typeof followerWithData>>['log']) {
      expect(log.logEndOffset).toBe(2)
      expect(valuesOf(readAll(log))).toEqual(['a', 'b'])
      expect(log.leaderEpochs).toEqual([{ epoch: 1, startOffset: 0 }])
      expect(log.stats.commits).toBe(1)
    }

    it('batches that do not start at the log end (a gap or an overlap)', async () => {
      const { log } = await followerWithData()
      await expect(log.appendAsFollower([leaderBatch(['x'], 3, 2)])).rejects.toThrow(
        UnexpectedAppendOffsetError,
      )
      await expect(log.appendAsFollower([leaderBatch(['x'], 1, 2)])).rejects.toThrow(
        UnexpectedAppendOffsetError,
      )
      await expectUnchanged(log)
    })

    it('batches with a gap between them', async () => {
      const { log } = await followerWithData()
      const batches = [leaderBatch(['c'], 2, 2), leaderBatch(['e'], 4, 2)]
      await expect(log.appendAsFollower(batches)).rejects.toThrow(UnexpectedAppendOffsetError)
      await expectUnchanged(log)
    })

    it('a bad CRC anywhere: all batches or none', async () => {
      const { log } = await followerWithData()
      const batches = [leaderBatch(['c'], 2, 2), leaderBatch(['d'], 3, 2), leaderBatch(['e'], 4, 2)]
      flipByte(batches[1] as Uint8Array)
      await expect(log.appendAsFollower(batches)).rejects.toThrow(CorruptRecordError)
      await expect(log.appendAsFollower(concat(batches))).rejects.toThrow(CorruptRecordError)
      // A truncated fetch response is refused too.
      const whole = concat([leaderBatch(['c'], 2, 2), leaderBatch(['d'], 3, 2)])
      await expect(log.appendAsFollower(whole.subarray(0, whole.length - 5))).rejects.toThrow(
        CorruptRecordError,
      )
      await expectUnchanged(log)
    })

    it('and a refused follower append in a group does not disturb the others', async () => {
      const { log } = await followerWithData()
      const results = await Promise.allSettled([
        log.appendAsFollower([leaderBatch(['c'], 2, 2)]),
        log.appendAsFollower([leaderBatch(['stale'], 2, 2)]),
        log.appendAsFollower([leaderBatch(['d'], 3, 2)]),
      ])
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(offsetsOf(readAll(log))).toEqual([0, 1, 2, 3])
    })
  })
})
