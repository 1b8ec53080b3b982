/** One measurement: its rate and the latency of each request (or batch) that finished in it. */
export interface Sample {
  recordsPerSec: number
  bytesPerSec: number
  p50Ms: number
  p99Ms: number
  errors: number
}

export const quantile = (sorted: Float64Array | number[], q: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN)

export const median = (values: number[]): number => {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  return finite.length === 0 ? Number.NaN : (finite[Math.floor(finite.length / 2)] ?? Number.NaN)
}

export interface LoadOptions {
  /** Workers, each with one request (or batch) outstanding at a time. */
  concurrency: number
  /** Time before the window opens, to warm connections and JIT. */
  warmupMs: number
  /** The measured window. */
  measureMs: number
  /** Value bytes per record, for MB/s. */
  valueBytes: number
}

/**
 * Runs `step` in `concurrency` closed loops. Requests that finish inside the window count, with
 * their latency; `step` resolves with the records it carried (0 when it failed).
 */
export async function closedLoop(
  options: LoadOptions,
  step: (worker: number) => Promise<number>,
): Promise<Sample> {
  const start = performance.now()
  const windowStart = start + options.warmupMs
  const windowEnd = windowStart + options.measureMs
  const latencies: number[] = []
  let records = 0
  let errors = 0
  const worker = async (id: number) => {
    while (performance.now() < windowEnd) {
      const sent = performance.now()
      let n = 0
      try {
        n = await step(id)
      } catch {
        n = 0
      }
      const done = performance.now()
      if (done < windowStart || done > windowEnd) continue
      if (n === 0) errors++
      records += n
      latencies.push(done - sent)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)))
  const sorted = Float64Array.from(latencies).sort()
  const seconds = options.measureMs / 1000
  return {
    recordsPerSec: records / seconds,
    bytesPerSec: (records * options.valueBytes) / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    errors,
  }
}

/** The median of each figure over rounds. */
export function summarize(samples: Sample[]): Sample {
  return {
    recordsPerSec: median(samples.map((s) => s.recordsPerSec)),
    bytesPerSec: median(samples.map((s) => s.bytesPerSec)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
  }
}

export const fmtRate = (n: number): string =>
  !Number.isFinite(n)
    ? '-'
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)}M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)}k`
        : n.toFixed(0)
export const fmtMb = (n: number): string => (Number.isFinite(n) ? (n / 1e6).toFixed(1) : '-')
export const fmtMs = (n: number): string =>
  !Number.isFinite(n) ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)
export const fmtRatio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-'

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}
