/**
 * `npm run bench`: PartitionLog against raw better-sqlite3 storing the same bytes, side by side
 * in one run. Rounds interleave the two systems and the table shows medians, so machine noise
 * hits both alike; read the ratios, not the absolute figures.
 *
 *   BENCH_MS      time per measurement (default 400)
 *   BENCH_ROUNDS  interleaved rounds per case (default 5)
 *   BENCH_QUICK=1 a smaller matrix, for a smoke run
 *   BENCH_ONLY    'append' or 'read' to run one half
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeRecordBatch } from '@tributary/core'
import { type FlushMode, PartitionLog } from '../src/index.ts'
import { RawSqliteLog } from './raw-sqlite.ts'

const MEASURE_MS = Number(process.env.BENCH_MS ?? 400)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const QUICK = process.env.BENCH_QUICK === '1'
const ONLY = process.env.BENCH_ONLY
const CONCURRENT_APPENDERS = 32
const READ_MAX_BYTES = 1024 * 1024
/** Large enough for 1000 records of 1 KiB in one batch; the default (1048588) is not. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024

const workDir = mkdtempSync(join(tmpdir(), 'tributary-bench-'))
let dirCounter = 0
const freshDir = (): string => join(workDir, `case-${dirCounter++}`)

function makeBatch(valueBytes: number, records: number): Uint8Array {
  const value = new Uint8Array(valueBytes).map((_, i) => (i * 31) & 0xff)
  return encodeRecordBatch(
    Array.from({ length: records }, (_, i) => ({
      key: new TextEncoder().encode(`key-${i}`),
      value,
      timestamp: 1_700_000_000_000 + i,
    })),
  )
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Runs `step` (which reports how many batches it did) until the time is up; returns batches/s. */
async function timed(step: () => number | Promise<number>): Promise<number> {
  const start = performance.now()
  let done = 0
  while (performance.now() - start < MEASURE_MS) done += await step()
  return done / ((performance.now() - start) / 1000)
}

interface AppendCase {
  valueBytes: number
  recordsPerBatch: number
  flushMode: FlushMode
  appenders: number
}

async function logAppendRate(c: AppendCase, batch: Uint8Array): Promise<number> {
  const dir = freshDir()
  const log = await PartitionLog.open({
    dir,
    config: { flushMode: c.flushMode, maxMessageBytes: MAX_MESSAGE_BYTES },
  })
  try {
    // Each step sends one wave of `appenders` concurrent appends, as that many producers would.
    // The log takes each buffer until its append settles, so every producer has its own.
    const wave = Array.from({ length: c.appenders }, () => batch.slice())
    return await timed(async () => {
      await Promise.all(wave.map((own) => log.append(own, 0)))
      return c.appenders
    })
  } finally {
    await log.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function rawAppendRate(
  c: AppendCase,
  batch: Uint8Array,
  batchesPerTx: number,
): Promise<number> {
  const dir = freshDir()
  const raw = new RawSqliteLog(`${dir}.sqlite`, c.flushMode, c.recordsPerBatch)
  const group = Array.from({ length: batchesPerTx }, () => batch)
  try {
    return await timed(() => {
      raw.append(group)
      return batchesPerTx
    })
  } finally {
    raw.close()
    rmSync(`${dir}.sqlite`, { force: true })
    rmSync(`${dir}.sqlite-wal`, { force: true })
    rmSync(`${dir}.sqlite-shm`, { force: true })
  }
}

const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0)
const mb = (n: number): string => (n / 1e6).toFixed(1)
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}

async function benchAppends(): Promise<void> {
  const valueSizes = QUICK ? [100] : [100, 1024]
  const perBatch = QUICK ? [1, 100] : [1, 100, 1000]
  const modes: FlushMode[] = QUICK ? ['os'] : ['fsync', 'os']
  const rows: string[][] = []
  for (const valueBytes of valueSizes) {
    for (const recordsPerBatch of perBatch) {
      const batch = makeBatch(valueBytes, recordsPerBatch)
      for (const flushMode of modes) {
        for (const appenders of [1, CONCURRENT_APPENDERS]) {
          const c = { valueBytes, recordsPerBatch, flushMode, appenders }
          const log: number[] = []
          const raw: number[] = []
          const rawGrouped: number[] = []
          for (let round = 0; round < ROUNDS; round++) {
            // Alternate which system goes first, so an order effect cannot favour either.
            if (round % 2 === 1) raw.push(await rawAppendRate(c, batch, 1))
            log.push(await logAppendRate(c, batch))
            if (round % 2 === 0) raw.push(await rawAppendRate(c, batch, 1))
            if (appenders > 1) rawGrouped.push(await rawAppendRate(c, batch, appenders))
          }
          const logRec = median(log) * recordsPerBatch
          const rawRec = median(raw) * recordsPerBatch
          const groupedRec = appenders > 1 ? median(rawGrouped) * recordsPerBatch : rawRec
          rows.push([
            `${valueBytes} B`,
            String(recordsPerBatch),
            flushMode,
            String(appenders),
            fmt(logRec),
            mb(logRec * valueBytes),
            fmt(rawRec),
            mb(rawRec * valueBytes),
            ratio(logRec, rawRec),
            appenders > 1 ? ratio(logRec, groupedRec) : '',
          ])
          console.error(`append ${JSON.stringify(c)} done`)
        }
      }
    }
  }
  printTable(
    'Append: PartitionLog vs raw better-sqlite3 (same bytes, same synchronous, WAL). Raw commits ' +
      `one transaction per batch; "vs raw grouped" commits ${CONCURRENT_APPENDERS} batches per ` +
      'transaction, the ceiling group commit can reach.',
    [
      'value',
      'rec/batch',
      'flush',
      'appenders',
      'log rec/s',
      'log MB/s',
      'raw rec/s',
      'raw MB/s',
      'log ÷ raw',
      'vs raw grouped',
    ],
    rows,
  )
}

async function benchReads(): Promise<void> {
  const valueSizes = QUICK ? [100] : [100, 1024]
  const perBatch = QUICK ? [100] : [1, 100, 1000]
  const rows: string[][] = []
  for (const valueBytes of valueSizes) {
    for (const recordsPerBatch of perBatch) {
      const totalRecords = valueBytes >= 1024 ? 20_000 : 100_000
      const batchCount = Math.ceil(totalRecords / recordsPerBatch)
      const batch = makeBatch(valueBytes, recordsPerBatch)
      const dir = freshDir()
      const log = await PartitionLog.open({
        dir,
        config: { flushMode: 'os', maxMessageBytes: MAX_MESSAGE_BYTES },
      })
      const raw = new RawSqliteLog(`${dir}.sqlite`, 'os', recordsPerBatch)
      for (let written = 0; written < batchCount; written += 1000) {
        const n = Math.min(1000, batchCount - written)
        await Promise.all(Array.from({ length: n }, () => log.append(batch.slice(), 0)))
        raw.append(Array.from({ length: n }, () => batch))
      }
      const end = log.logEndOffset
      const logRates: number[] = []
      const rawRates: number[] = []
      let logFrom = 0
      const logPass = () =>
        timed(() => {
          const result = log.read(logFrom, READ_MAX_BYTES)
          logFrom = result.nextOffset >= end ? 0 : result.nextOffset
          return result.batches.length
        })
      let rawFrom = 0
      const rawPass = () =>
        timed(() => {
          const before = rawFrom
          const result = raw.read(rawFrom, READ_MAX_BYTES, 10_000)
          rawFrom = result.next >= end ? 0 : result.next
          return Math.max(1, Math.round((result.next - before) / recordsPerBatch))
        })
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 1) rawRates.push(await rawPass())
        logRates.push(await logPass())
        if (round % 2 === 0) rawRates.push(await rawPass())
      }
      await log.close()
      raw.close()
      rmSync(dir, { recursive: true, force: true })
      const logRec = median(logRates) * recordsPerBatch
      const rawRec = median(rawRates) * recordsPerBatch
      rows.push([
        `${valueBytes} B`,
        String(recordsPerBatch),
        fmt(logRec),
        mb(logRec * valueBytes),
        fmt(rawRec),
        mb(rawRec * valueBytes),
        ratio(logRec, rawRec),
      ])
      console.error(`read ${valueBytes} B x ${recordsPerBatch} done`)
    }
  }
  printTable(
    `Sequential read, ${READ_MAX_BYTES / 1024} KiB per read: PartitionLog.read vs a raw range query`,
    ['value', 'rec/batch', 'log rec/s', 'log MB/s', 'raw rec/s', 'raw MB/s', 'log ÷ raw'],
    rows,
  )
}

try {
  console.log(
    `PartitionLog benchmark: ${ROUNDS} interleaved rounds of ${MEASURE_MS} ms per case, medians; ` +
      `node ${process.version}`,
  )
  if (ONLY !== 'read') await benchAppends()
  if (ONLY !== 'append') await benchReads()
} finally {
  rmSync(workDir, { recursive: true, force: true })
}
