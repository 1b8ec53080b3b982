import { StorageError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { batchOf, offsetsOf, openLog, readAll, tempDir, valuesOf } from './helpers.ts'

describe('group commit', () => {
  it('commits appends made in the same turn in one transaction, with contiguous offsets', async () => {
    const log = await openLog()
    await log.append(batchOf(['warm-up']), 0)
    const before = log.stats.commits
    const producers = 200
    const results = await Promise.all(
      Array.from({ length: producers }, (_, index) =>
        log.append(batchOf([`p${index}`, `q${index}`]), 0),
      ),
    )
    expect(log.stats.commits).toBe(before + 1)
    expect(results.map((result) => result.baseOffset)).toEqual(
      Array.from({ length: producers }, (_, index) => 1 + 2 * index),
    )
    expect(offsetsOf(readAll(log))).toEqual(Array.from({ length: 1 + 2 * producers }, (_, i) => i))
    expect(log.stats.appendedBatches).toBe(1 + producers)
  })

  it('appends awaited one by one commit one by one', async () => {
    const log = await openLog({ config: { flushMode: 'os' } })
    for (let index = 0; index < 5; index++) await log.append(batchOf([`v${index}`]), 0)
    expect(log.stats.commits).toBe(5)
  })

  it('appends made by different callbacks of one loop phase share a commit', async () => {
    const log = await openLog()
    const pending: Promise<unknown>[] = []
    // Two callbacks of the same event-loop phase, as two requests read in one poll would be:
    // the flush is scheduled from the first and runs only after the second.
    await new Promise<void>((resolve) => {
      setImmediate(() => pending.push(log.append(batchOf(['x']), 0)))
      setImmediate(() => {
        pending.push(log.append(batchOf(['y']), 0))
        resolve()
      })
    })
    await Promise.all(pending)
    expect(log.stats.commits).toBe(1)
    expect(valuesOf(readAll(log))).toEqual(['x', 'y'])
  })

  it('close waits for pending appends, which are then durable', async () => {
    const dir = tempDir()
    const log = await openLog({ dir })
    const appended = log.append(batchOf(['last words']), 0)
    await log.close()
    await expect(appended).resolves.toMatchObject({ baseOffset: 0 })
    await expect(log.append(batchOf(['too late']), 0)).rejects.toThrow(StorageError)
    const reopened = await openLog({ dir })
    expect(valuesOf(readAll(reopened))).toEqual(['last words'])
  })
})
