/**
 * `npm run bench:groups`: consumer-group consumption over HTTP. Tributary (combined mode,
 * `tributary start`, fresh data dir) against a NATS JetStream durable pull consumer and Redis
 * XREADGROUP, all on free ports in the same run, each system holding the same pre-produced
 * records (default 200k × 100 B; Tributary's in a 4-partition topic). Each round measures every
 * system with one consumer and with a group of four, in a fresh (seeded) order, with a `sync`
 * and a pause between measurements; the tables show medians over rounds and the ratios
 * Tributary ÷ JetStream and ÷ Redis. Servers are stopped at the end, also on failure or
 * Ctrl-C. Flags (`npm run bench:groups -- --help`) scale the records and the rounds; a full
 * run stays under about three minutes on a 2-core machine.
 */
import { spawnSync } from 'node:child_process'
import {
  cleanupNow,
  installCleanupHandlers,
  type Server,
  startNats,
  startRedis,
  startTributary,
} from '../http-produce/processes.ts'
import { parseBenchOptions, USAGE } from './options.ts'
import { JetStreamConsume, RedisConsume } from './peers.ts'
import { runProfile } from './profile.ts'
import { keyOf, printReport } from './report.ts'
import { type ConsumeSample, deadline, summarizeConsume } from './sample.ts'
import type { SystemName } from './systems.ts'
import { TributaryGroups } from './tributary.ts'

const TOPIC = 'bench-groups'

/** A small seeded PRNG (xorshift32), for the order of systems in each round. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 0x1_0000_0000
  }
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(1)

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env)
  if (options === undefined) {
    console.log(USAGE)
    return
  }
  installCleanupHandlers()
  if (options.profile) {
    await runProfile(options)
    return
  }
  const random = seeded(options.seed)
  const { records, valueBytes } = options
  console.error(
    `bench:groups: ${records} records × ${valueBytes} B, ${options.rounds} rounds, consumers ` +
      `${options.consumers.join(' and ')}, ${options.partitions} partitions`,
  )
  const started = performance.now()
  const wants = (system: SystemName): boolean => options.systems.includes(system)
  const servers: Server[] = []
  const servers3 = await Promise.all([
    wants('tributary') ? startTributary() : undefined,
    wants('jetstream') ? startNats() : undefined,
    wants('redis') ? startRedis() : undefined,
  ])
  for (const s of servers3) if (s !== undefined) servers.push(s.server)
  const [tributary, nats, redis] = servers3
  const trib = tributary && new TributaryGroups(tributary.url, TOPIC, options.partitions)
  const jetStream = nats && (await JetStreamConsume.start(nats.port))
  const redisPeer = redis && (await RedisConsume.start(redis.port))
  try {
    const filled = performance.now()
    await Promise.all([
      trib?.fill(records, valueBytes),
      jetStream?.fill(records, valueBytes),
      redisPeer?.fill(records, valueBytes),
    ])
    console.error(`filled ${options.systems.join(', ')} in ${seconds(filled)} s`)
    const samples = new Map<string, ConsumeSample[]>()
    let groupSeq = 0
    for (let round = 0; round < options.rounds; round++) {
      const cases = shuffled(
        options.consumers.flatMap((consumers) =>
          options.systems.map((system) => ({ consumers, system })),
        ),
        random,
      )
      for (const { consumers, system } of cases) {
        spawnSync('sync')
        await new Promise((done) => setTimeout(done, options.settleMs))
        const run: Record<SystemName, () => Promise<ConsumeSample> | undefined> = {
          tributary: () =>
            trib?.consume(
              {
                group: `bench-${round}-${consumers}-${++groupSeq}`,
                consumers,
                maxBytes: options.maxBytes,
                pollTimeoutMs: options.pollTimeoutMs,
              },
              valueBytes,
            ),
          jetstream: () => jetStream?.consume(consumers, options.peerBatch, records, valueBytes),
          redis: () => redisPeer?.consume(consumers, options.peerBatch, records, valueBytes),
        }
        const what = `${system} with ${consumers} consumer(s)`
        const measured = run[system]()
        if (measured === undefined) throw new Error(`${system} was not started`)
        const sample = await Promise.race([measured, deadline(options.measureTimeoutMs, what)])
        const key = keyOf(consumers, system)
        samples.set(key, [...(samples.get(key) ?? []), sample])
        console.error(
          `round ${round + 1}/${options.rounds}: ${what}: ` +
            `${Math.round(sample.recordsPerSec)} rec/s in ${sample.seconds.toFixed(2)} s` +
            (sample.duplicates > 0 ? `, ${sample.duplicates} duplicates` : ''),
        )
      }
    }
    printReport(new Map([...samples].map(([key, list]) => [key, summarizeConsume(list)])), options)
  } finally {
    await trib?.close().catch(() => undefined)
    await jetStream?.close().catch(() => undefined)
    await redisPeer?.close().catch(() => undefined)
    await Promise.all(servers.map((server) => server.stop()))
    cleanupNow()
    console.error(`bench:groups: ${seconds(started)} s in all`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  cleanupNow()
  process.exit(1)
})
