import { fmtMb, fmtMs, fmtRate, fmtRatio, printTable, type Sample } from './load.ts'

export const SYSTEMS = [
  'tributary binary',
  'tributary json',
  'jetstream async',
  'jetstream raw-ack',
  'redis xadd',
] as const
export type SystemName = (typeof SYSTEMS)[number]

export interface Results<T = Sample[]> {
  /** Keyed `${valueBytes}/${recordsPerRequest}/${system}`. */
  produce: Map<string, T>
  /** Keyed by value bytes. */
  reads: Map<number, T>
}

export interface ReportSettings {
  valueSizes: number[]
  recordsPerRequest: number[]
  rounds: number
  measureMs: number
  connections: number
  partitions: number
  readMaxBytes: number
}

const PEERS: SystemName[] = ['jetstream async', 'jetstream raw-ack', 'redis xadd']

export function printReport(results: Results<Sample>, s: ReportSettings): void {
  const get = (v: number, n: number, system: SystemName) =>
    results.produce.get(`${v}/${n}/${system}`)
  console.log(
    `\n# HTTP produce benchmark: Tributary (combined mode, fsync) vs NATS JetStream vs Redis Streams\n\n` +
      `Same machine, same run; medians of ${s.rounds} rounds × ${s.measureMs} ms with the systems ` +
      'in a fresh order each round, a `sync` between measurements. This machine is noisy (20-60 % run to run): the ratios matter, ' +
      'not the absolute figures.\n' +
      `Concurrency: ${s.connections} requests (Tributary, keep-alive HTTP) or batches (peers) in ` +
      'flight. Latency is per request for Tributary and per batch of the same number of records ' +
      'for the peers (a batch completes when all its acks are in). JetStream acknowledges before ' +
      'it syncs to disk; Redis runs without persistence; Tributary acknowledges after fsync.',
  )
  const detail: string[][] = []
  for (const v of s.valueSizes) {
    for (const n of s.recordsPerRequest) {
      for (const system of SYSTEMS) {
        const r = get(v, n, system)
        if (r === undefined) continue
        detail.push([
          `${v} B`,
          String(n),
          system,
          fmtRate(r.recordsPerSec),
          fmtMb(r.bytesPerSec),
          fmtRate(r.recordsPerSec / n),
          fmtMs(r.p50Ms),
          fmtMs(r.p99Ms),
          r.errors > 0 ? String(r.errors) : '',
        ])
      }
    }
  }
  printTable(
    'Produce, per system (MB/s counts value bytes; req/s = requests or batches per second)',
    ['value', 'rec/req', 'system', 'rec/s', 'MB/s', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    detail,
  )

  const sideBySide: string[][] = []
  for (const v of s.valueSizes) {
    for (const n of s.recordsPerRequest) {
      const rate = (system: SystemName) => get(v, n, system)?.recordsPerSec ?? Number.NaN
      const bin = rate('tributary binary')
      const json = rate('tributary json')
      sideBySide.push([
        `${v} B`,
        String(n),
        ...SYSTEMS.map((system) => fmtRate(rate(system))),
        ...PEERS.map((peer) => fmtRatio(bin, rate(peer))),
        ...PEERS.map((peer) => fmtRatio(json, rate(peer))),
      ])
    }
  }
  printTable(
    'Produce records/s side by side, and Tributary ÷ peer (bin = binary format, json = JSON format)',
    [
      'value',
      'rec/req',
      'trib bin',
      'trib json',
      'JS async',
      'JS raw-ack',
      'XADD',
      'bin÷JS async',
      'bin÷JS raw',
      'bin÷XADD',
      'json÷JS async',
      'json÷JS raw',
      'json÷XADD',
    ],
    sideBySide,
  )

  const reads: string[][] = []
  for (const v of s.valueSizes) {
    const r = results.reads.get(v)
    if (r === undefined) continue
    reads.push([
      `${v} B`,
      fmtRate(r.recordsPerSec),
      fmtMb(r.bytesPerSec),
      fmtMs(r.p50Ms),
      fmtMs(r.p99Ms),
    ])
  }
  printTable(
    `Partition reads (Tributary, binary Accept, max_bytes=${s.readMaxBytes}, one request at a ` +
      'time from offset 0; latency per read request)',
    ['value', 'rec/s', 'MB/s', 'p50 ms', 'p99 ms'],
    reads,
  )

  const target = 100
  if (s.valueSizes.includes(100) && s.recordsPerRequest.includes(target)) {
    const rate = (system: SystemName) => get(100, target, system)?.recordsPerSec ?? Number.NaN
    const bin = rate('tributary binary')
    const vsRaw = bin / rate('jetstream raw-ack')
    const vsRedis = bin / rate('redis xadd')
    console.log(
      `\nTargets (100 B, ${target} records/request, binary, fsync): ` +
        `${vsRaw.toFixed(2)}x JetStream raw-ack (target ≥ 1.0x: ${vsRaw >= 1 ? 'met' : 'NOT met'}), ` +
        `${vsRedis.toFixed(2)}x pipelined XADD (target ≥ 2x: ${vsRedis >= 2 ? 'met' : 'NOT met'})`,
    )
  }
}
