/**
 * Storage benchmarks (not tests: timings belong here, not in assertions). Run with
 * `npm run bench -w @tributary/storage`. Prints records/s for group-committed appends in both
 * flush modes, one-append-per-commit, and sequential reads; compare with
 * shared/reference/same-box-baselines.md as ratios within one run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeRecordBatch } from '@tributary/core'
import { type FlushMode, PartitionLog } from '../src/index.ts'

const RECORDS_PER_BATCH = 100
const VALUE_BYTES = 100

function batch(): Uint8Array {
  const value = new Uint8Array(VALUE_BYTES).fill(97)
  const records = Array.from({ length: RECORDS_PER_BATCH }, () => ({ key: null, value }))
  return encodeRecordBatch(records, { now: () => 1_700_000_000_000 })
}

async function withLog<T>(
  flushMode: FlushMode,
  run: (log: PartitionLog) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'))
  const log = await PartitionLog.open({ dir, config: { flushMode } })
  try {
    return await run(log)
  } finally {
    await log.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function report(name: string, records: number, started: number): void {
  const seconds = (performance.now() - started) / 1000
  const rate = Math.round(records / seconds).toLocaleString('en')
  process.stdout.write(`${name.padEnd(48)} ${rate.padStart(12)} rec/s\n`)
}

async function groupCommit(flushMode: FlushMode, producers: number, rounds: number) {
  const template = batch()
  await withLog(flushMode, async (log) => {
    const started = performance.now()
    for (let round = 0; round < rounds; round++) {
      await Promise.all(Array.from({ length: producers }, () => log.append(template, 0)))
    }
    report(
      `append ${flushMode}, ${producers} concurrent (${log.stats.commits} commits)`,
      producers * rounds * RECORDS_PER_BATCH,
      started,
    )
  })
}

async function reads() {
  const template = batch()
  await withLog('os', async (log) => {
    for (let round = 0; round < 100; round++) {
      await Promise.all(Array.from({ length: 100 }, () => log.append(template, 0)))
    }
    const started = performance.now()
    let offset = log.logStartOffset
    let records = 0
    while (offset < log.logEndOffset) {
      const result = log.read(offset, 1024 * 1024)
      records += result.nextOffset - offset
      offset = result.nextOffset
    }
    report('sequential read, 1 MiB per read', records, started)
  })
}

await groupCommit('fsync', 1, 300)
await groupCommit('fsync', 64, 50)
await groupCommit('os', 1, 1000)
await groupCommit('os', 64, 100)
await reads()
