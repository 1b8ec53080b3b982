/**
 * The replication benchmark's table: replication factor 3 with acks=all against replication
 * factor 1, medians over interleaved rounds, and whether the target holds.
 */
import {
  fmtMb,
  fmtMs,
  fmtRate,
  median,
  printTable,
  type Sample,
  summarize,
} from '../http-produce/load.ts'

/** The issue's target: replicated produce keeps at least this share of RF=1's throughput. */
export const TARGET_RATIO = 0.5

/** One topic measured: how it is replicated and its sample of every round. */
export interface TopicRun {
  readonly topic: string
  readonly replicationFactor: number
  readonly minInsyncReplicas: number
  readonly samples: Sample[]
}

/** How the run was set up, for the heading. */
export interface ReportSettings {
  readonly rounds: number
  readonly measureMs: number
  readonly connections: number
  readonly partitions: number
  readonly recordsPerRequest: number
  readonly valueBytes: number
  readonly controllers: number
  readonly flushMode: string
  readonly acks: string
}

/**
 * The median over rounds of each round's ratio `replicated / baseline`: both were measured in
 * the same round, back to back, so noise that drifts over the run cancels out of each ratio.
 */
export function medianRatio(replicated: readonly Sample[], baseline: readonly Sample[]): number {
  const ratios = replicated.map((sample, round) => {
    const base = baseline[round]?.recordsPerSec ?? Number.NaN
    return base > 0 ? sample.recordsPerSec / base : Number.NaN
  })
  return median(ratios)
}

/** Prints the heading, the table (one row per topic) and the target line to stdout. */
export function printReport(
  runs: readonly TopicRun[],
  baseline: TopicRun,
  settings: ReportSettings,
): void {
  const s = settings
  console.log(
    '\n# Replicated produce through the gateway: replication factor 3 (acks=all) vs 1\n\n' +
      `One cluster on this machine: nats-server, ${s.controllers} controller(s), 3 brokers ` +
      `(flush mode ${s.flushMode}), 1 gateway (acks=${s.acks}); each topic ${s.partitions} ` +
      `partitions. HTTP v2 produce, binary format, ${s.recordsPerRequest} records of ` +
      `${s.valueBytes} B per request, ${s.connections} keep-alive connections with one request ` +
      `in flight each. Medians of ${s.rounds} rounds × ${s.measureMs} ms, the topics measured ` +
      'back to back in alternating order each round; the ratio is the median of the per-round ' +
      'ratios. The machine is shared and noisy: read the ratio, not the absolute figures.',
  )
  const rows = runs.map((run) => {
    const sample = summarize([...run.samples])
    const ratio = run === baseline ? 1 : medianRatio(run.samples, baseline.samples)
    return [
      String(run.replicationFactor),
      s.acks,
      String(run.minInsyncReplicas),
      fmtRate(sample.recordsPerSec),
      fmtMb(sample.bytesPerSec),
      fmtMs(sample.p50Ms),
      fmtMs(sample.p99Ms),
      String(sample.errors),
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-',
    ]
  })
  printTable(
    'Produce throughput',
    ['rf', 'acks', 'min ISR', 'records/s', 'MB/s', 'p50 ms', 'p99 ms', 'errors', 'ratio to RF=1'],
    rows,
  )
  for (const run of runs) {
    if (run === baseline) continue
    const ratio = medianRatio(run.samples, baseline.samples)
    const verdict = !Number.isFinite(ratio)
      ? 'not measured'
      : ratio >= TARGET_RATIO
        ? 'met'
        : 'NOT met'
    console.log(
      `\nTarget: RF=${run.replicationFactor} acks=${s.acks} ≥ ${TARGET_RATIO}× RF=1: ${verdict} ` +
        `(${Number.isFinite(ratio) ? ratio.toFixed(2) : '-'}×)`,
    )
  }
}
