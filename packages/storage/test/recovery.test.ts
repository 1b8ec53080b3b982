import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createMemoryLogger } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { loadDriver } from '../src/index.ts'
import { segmentFileName } from '../src/internal.ts'
import { batchOf, offsetsOf, openLog, readAll, tempDir, valuesOf } from './helpers.ts'

/** Opens a closed log's segment file with the driver and runs `change` on it. */
async function tamper(
  dir: string,
  baseOffset: number,
  change: (db: Awaited<ReturnType<typeof open>>) => void,
) {
  const db = await open(join(dir, segmentFileName(baseOffset)))
  try {
    change(db)
  } finally {
    db.close()
  }
}

async function open(path: string) {
  return (await loadDriver()).open(path)
}

/** Flips one byte inside the stored blob of the batch at `baseOffset`. */
function flipByteIn(baseOffset: number, at: number) {
  return (db: Awaited<ReturnType<typeof open>>) => {
    const row = db
      .prepare<{ bytes: Uint8Array }>('SELECT bytes FROM batches WHERE base_offset = ?')
      .get(baseOffset)
    if (row === undefined) throw new Error(`no batch at ${baseOffset}`)
    const bytes = new Uint8Array(row.bytes)
    bytes[at] = (bytes[at] ?? 0) ^ 0x5a
    db.prepare('UPDATE batches SET bytes = ? WHERE base_offset = ?').run(bytes, baseOffset)
  }
}

async function fiveBatches(dir: string) {
  const log = await openLog({ dir })
  for (const value of ['a', 'b', 'c', 'd', 'e']) await log.append(batchOf([value, `${value}2`]), 1)
  log.setHighWatermark(10)
  await log.close()
}

describe('recovery on open', () => {
  it('cuts a corrupt last batch and logs what it cut', async () => {
    const dir = tempDir()
    await fiveBatches(dir)
    await tamper(dir, 0, flipByteIn(8, 70))
    const logger = createMemoryLogger()
    const log = await openLog({ dir, logger })
    expect(log.logEndOffset).toBe(8)
    expect(valuesOf(readAll(log))).toEqual(['a', 'a2', 'b', 'b2', 'c', 'c2', 'd', 'd2'])
    expect(log.highWatermark).toBe(8)
    const cut = logger.entries.filter((entry) => entry.level === 'warn')
    expect(cut).toHaveLength(1)
    expect(cut[0]?.fields).toMatchObject({
      segment: join(dir, segmentFileName(0)),
      fromOffset: 8,
      toOffset: 9,
      batches: 1,
      reason: expect.stringMatching(/CRC/),
    })
    expect(cut[0]?.message).toMatch(/cut/)
    // The log goes on from the cut, and stays cut after another reopen.
    expect((await log.append(batchOf(['f']), 1)).baseOffset).toBe(8)
    await log.close()
    const again = await openLog({ dir, logger: createMemoryLogger() })
    expect(offsetsOf(readAll(again))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('cuts from the first bad batch in the checked tail, good batches after it included', async () => {
    const dir = tempDir()
    await fiveBatches(dir)
    await tamper(dir, 0, flipByteIn(4, 30))
    const logger = createMemoryLogger()
    const log = await openLog({ dir, logger })
    expect(log.logEndOffset).toBe(4)
    expect(logger.entries.find((entry) => entry.level === 'warn')?.fields).toMatchObject({
      fromOffset: 4,
      toOffset: 9,
      batches: 3,
    })
  })

  it('only checks the newest recoveryBatches batches', async () => {
    const dir = tempDir()
    await fiveBatches(dir)
    await tamper(dir, 0, flipByteIn(0, 30))
    const log = await openLog({ dir, config: { recoveryBatches: 2 } })
    expect(log.logEndOffset).toBe(10)
  })

  it('cuts a batch whose row disagrees with its header, or a gap in offsets', async () => {
    const dir = tempDir()
    await fiveBatches(dir)
    await tamper(dir, 0, (db) => {
      db.prepare('DELETE FROM batches WHERE base_offset = 4').run()
    })
    const logger = createMemoryLogger()
    const log = await openLog({ dir, logger })
    expect(log.logEndOffset).toBe(4)
    expect(logger.entries.find((entry) => entry.level === 'warn')?.fields).toMatchObject({
      fromOffset: 6,
      reason: expect.stringMatching(/expected/),
    })
    await log.close()

    await tamper(dir, 0, (db) => {
      db.prepare('UPDATE batches SET leader_epoch = 7 WHERE base_offset = 2').run()
    })
    const reopened = await openLog({ dir, logger: createMemoryLogger() })
    expect(reopened.logEndOffset).toBe(2)
  })

  it('deletes segments after a gap between segment files, and says so', async () => {
    const dir = tempDir()
    const size = batchOf(['a']).length
    const log = await openLog({ dir, config: { segmentBytes: size } })
    for (const value of ['a', 'b', 'c', 'd']) await log.append(batchOf([value]), 0)
    await log.close()
    rmSync(join(dir, segmentFileName(1)))
    const logger = createMemoryLogger()
    const reopened = await openLog({ dir, logger })
    expect(valuesOf(readAll(reopened))).toEqual(['a'])
    expect(logger.entries.find((entry) => entry.level === 'error')?.fields).toMatchObject({
      expectedBaseOffset: 1,
      fromOffset: 2,
      toOffset: 3,
    })
  })
})

describe('high watermark checkpoint', () => {
  it('survives a reopen', async () => {
    const dir = tempDir()
    const log = await openLog({ dir })
    await log.append(batchOf(['a', 'b', 'c']), 0)
    expect(log.setHighWatermark(2)).toBe(2)
    await log.flush()
    await log.close()
    const reopened = await openLog({ dir })
    expect(reopened.highWatermark).toBe(2)
  })

  it('is written by flush() without a close', async () => {
    const dir = tempDir()
    const log = await openLog({ dir })
    await log.append(batchOf(['a', 'b', 'c']), 0)
    log.setHighWatermark(3)
    await log.flush()
    const db = await open(join(dir, 'partition.sqlite'))
    const row = db
      .prepare<{ high_watermark: number }>('SELECT high_watermark FROM partition_state')
      .get()
    db.close()
    expect(row?.high_watermark).toBe(3)
  })

  it('is never above the log end: clamped when set, and on open after a cut', async () => {
    const dir = tempDir()
    const log = await openLog({ dir })
    await log.append(batchOf(['a', 'b']), 0)
    expect(log.setHighWatermark(50)).toBe(2)
    expect(log.highWatermark).toBe(2)
    await log.close()
    await tamper(dir, 0, flipByteIn(0, 40))
    const reopened = await openLog({ dir })
    expect(reopened.logEndOffset).toBe(0)
    expect(reopened.highWatermark).toBe(0)
  })
})
