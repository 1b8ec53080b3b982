import { fmtMb, fmtRate, fmtRatio, printTable } from '../http-produce/load.ts'
import type { BenchOptions } from './options.ts'
import type { ConsumeSample } from './sample.ts'

import { SYSTEMS, type SystemName } from './systems.ts'

const LABEL: Record<SystemName, string> = {
  tributary: 'Tributary v2 group',
  jetstream: 'JetStream pull',
  redis: 'Redis XREADGROUP',
}

/** Medians keyed `${consumers}/${system}`. */
export type Summary = Map<string, ConsumeSample>

/** The key of a summary entry. */
export const keyOf = (consumers: number, system: SystemName): string => `${consumers}/${system}`

/** The README-ready summary: what was measured, the tables, and the target line. */
export function printReport(summary: Summary, options: BenchOptions): void {
  const o = options
  console.log(
    '\n# Group consumption benchmark: Tributary (HTTP, v2 consumer groups) vs NATS JetStream vs ' +
      'Redis Streams\n\n' +
      `Same machine, same run; medians of ${o.rounds} rounds with the systems in a fresh order ` +
      `each round and a \`sync\` between measurements. Each measurement reads all ${o.records} ` +
      `pre-produced records of ${o.valueBytes} B once, with 1 consumer and with a group of ` +
      'several, from the first poll until every record was seen (creating and subscribing ' +
      'instances is not timed). Records delivered twice (after a rebalance) are not counted as ' +
      'progress.\n' +
      `- Tributary: combined mode (\`tributary start\`, fsync), a topic of ${o.partitions} ` +
      'partitions; v2 consumer instances of a fresh group (binary format, earliest, auto commit ' +
      `off), each looping \`GET …/records?max_bytes=${o.maxBytes}&timeout=${o.pollTimeoutMs}\` ` +
      'then `POST …/offsets` with an empty body (commit all delivered), keep-alive HTTP/1.1.\n' +
      '- JetStream: file storage, one replica; a fresh durable pull consumer (ack policy all) ' +
      `read by one client connection per consumer with \`consume({max_messages: ${o.peerBatch}})\`` +
      `, one ack per ${o.peerBatch} messages.\n` +
      '- Redis: no persistence; a fresh consumer group read by one connection per consumer with ' +
      `\`XREADGROUP COUNT ${o.peerBatch}\` and one XACK of the batch's ids after each read.\n` +
      'This machine is noisy: read the ratios, not the absolute figures.',
  )
  const detail: string[][] = []
  for (const consumers of o.consumers) {
    for (const system of SYSTEMS) {
      const s = summary.get(keyOf(consumers, system))
      if (s === undefined) continue
      detail.push([
        String(consumers),
        LABEL[system],
        fmtRate(s.recordsPerSec),
        fmtMb(s.bytesPerSec),
        s.seconds.toFixed(2),
        fmtRate(s.batches),
        s.batches > 0 ? fmtRate(o.records / s.batches) : '-',
        s.duplicates > 0 ? String(s.duplicates) : '0',
      ])
    }
  }
  printTable(
    'Per system (MB/s counts value bytes; batches = acknowledged polls/pulls/reads; dups summed ' +
      'over rounds)',
    ['consumers', 'system', 'rec/s', 'MB/s', 's', 'batches', 'rec/batch', 'dups'],
    detail,
  )
  const rate = (consumers: number, system: SystemName): number =>
    summary.get(keyOf(consumers, system))?.recordsPerSec ?? Number.NaN
  printTable(
    'Records/s side by side, and Tributary ÷ peer',
    ['consumers', 'Tributary', 'JetStream', 'Redis', 'Trib÷JetStream', 'Trib÷Redis'],
    o.consumers.map((consumers) => [
      String(consumers),
      fmtRate(rate(consumers, 'tributary')),
      fmtRate(rate(consumers, 'jetstream')),
      fmtRate(rate(consumers, 'redis')),
      fmtRatio(rate(consumers, 'tributary'), rate(consumers, 'jetstream')),
      fmtRatio(rate(consumers, 'tributary'), rate(consumers, 'redis')),
    ]),
  )
  const targets = o.consumers.map((consumers) => {
    const ratio = rate(consumers, 'tributary') / rate(consumers, 'jetstream')
    const verdict = Number.isFinite(ratio) ? (ratio >= 2 ? 'met' : 'NOT met') : 'not measured'
    return `${consumers} consumer${consumers === 1 ? '' : 's'}: ${Number.isFinite(ratio) ? ratio.toFixed(2) : '-'}x (${verdict})`
  })
  console.log(`\nTarget (Tributary ≥ 2x the JetStream pull consumer): ${targets.join('; ')}`)
}
