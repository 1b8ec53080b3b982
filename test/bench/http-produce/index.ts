/**
 * `npm run bench:http`: Tributary produce over HTTP against NATS JetStream and Redis Streams on
 * this machine, side by side in one run. It starts combined mode (`tributary start`, fresh data
 * dir, default flush mode fsync: a produce answers once its records reached the disk), a
 * nats-server with JetStream (file storage, one replica; it acks before it syncs) and a
 * redis-server (no persistence), all on free ports, and stops them at the end (also on failure
 * or Ctrl-C). Each round runs the systems in a fresh order, with a `sync` and a pause between
 * measurements, so machine noise hits all alike; the tables show
 * medians over rounds: read the ratios, not the absolute figures.
 *
 * Measured, for 100 B and 1 KiB values × 1, 10 and 100 records per request:
 *   - Tributary: POST /topics/{t} (v2, keyless records spread round robin over 6 partitions),
 *     binary (base64) and JSON embedded formats, 50 keep-alive connections (undici Pool), one
 *     request in flight each; latency per request.
 *   - JetStream async: `js.publish` from `@nats-io/jetstream`, 50 batches in flight, each batch
 *     one message per record awaited together; latency per batch.
 *   - JetStream raw acks: core NATS publishes with a reply subject each, acks matched by subject,
 *     the same 50 batches in flight; latency per batch.
 *   - Redis XADD: one XADD per record, one ioredis pipeline per batch, 50 in flight.
 *   - Partition reads: GET /topics/{t}/partitions/{p}/records from offset 0 with the binary
 *     Accept, one request at a time, sequentially through what was produced.
 *
 * Knobs (environment):
 *   BENCH_MS          measured time per case and system (default 1000)
 *   BENCH_WARMUP_MS   load before each measured window (default 300)
 *   BENCH_ROUNDS      rounds (default 5)
 *   BENCH_QUICK=1     1 round of 500 ms, 100 B values, 1 and 100 records per request
 *   BENCH_CONNECTIONS concurrent requests or batches (default 50)
 *   BENCH_PARTITIONS  partitions of the Tributary topics (default 6)
 *   BENCH_SETTLE_MS   pause after a `sync` between measurements (default 200)
 *   BENCH_SEED        seed of the per-round order of systems (default 42)
 *   BENCH_PROFILE=1   instead: CPU-profile combined mode under 100 B × 100 records binary and
 *                     print its top self-time functions (BENCH_PROFILE_MS, default 8000)
 *   NATS_SERVER, REDIS_SERVER  the server binaries (default /usr/sbin/nats-server, /usr/bin/redis-server)
 */
import { spawnSync } from 'node:child_process'
import { type LoadOptions, type Sample, summarize } from './load.ts'
import { JetStreamPeer, RedisPeer } from './peers.ts'
import {
  cleanupNow,
  installCleanupHandlers,
  type Server,
  startNats,
  startRedis,
  startTributary,
} from './processes.ts'
import { runProfile } from './profile.ts'
import { printReport, type Results, SYSTEMS, type SystemName } from './report.ts'
import { type EmbeddedFormat, payload, produceBody, TributaryClient } from './tributary.ts'

const QUICK = process.env.BENCH_QUICK === '1'
const MEASURE_MS = Number(process.env.BENCH_MS ?? (QUICK ? 500 : 1000))
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? (QUICK ? 200 : 300))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 5))
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6)
const READ_MAX_BYTES = 1024 * 1024
const VALUE_SIZES = QUICK ? [100] : [100, 1024]
const RECORDS_PER_REQUEST = QUICK ? [1, 100] : [1, 10, 100]

const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 200)

const topicFor = (valueBytes: number): string => `bench-${valueBytes}`

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
const random = seeded(Number(process.env.BENCH_SEED ?? 42))

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/**
 * Between measurements, outside every window: write back what the last system left dirty in
 * the page cache (JetStream acks before it syncs), so the next one's fsyncs do not pay for it.
 */
async function settle(): Promise<void> {
  spawnSync('sync')
  await new Promise((done) => setTimeout(done, SETTLE_MS))
}

async function main(): Promise<void> {
  installCleanupHandlers()
  if (process.env.BENCH_PROFILE === '1') {
    await runProfile(CONNECTIONS, PARTITIONS)
    return
  }
  console.error(
    `bench:http: ${ROUNDS} rounds × ${MEASURE_MS} ms (+${WARMUP_MS} ms warm-up), ` +
      `${CONNECTIONS} connections, ${PARTITIONS} partitions`,
  )
  const started = performance.now()
  const [tributary, nats, redis] = await Promise.all([startTributary(), startNats(), startRedis()])
  const servers: Server[] = [tributary.server, nats.server, redis.server]
  const client = new TributaryClient(tributary.url, CONNECTIONS)
  const jetStream = await JetStreamPeer.start(nats.port)
  const redisPeer = await RedisPeer.start(redis.port)
  try {
    for (const valueBytes of VALUE_SIZES) await client.createTopic(topicFor(valueBytes), PARTITIONS)
    const results: Results = { produce: new Map(), reads: new Map() }
    for (let round = 0; round < ROUNDS; round++) {
      for (const valueBytes of VALUE_SIZES) {
        const value = payload(valueBytes)
        for (const records of RECORDS_PER_REQUEST) {
          const options: LoadOptions = {
            concurrency: CONNECTIONS,
            warmupMs: WARMUP_MS,
            measureMs: MEASURE_MS,
            valueBytes,
          }
          const bodies: Record<EmbeddedFormat, string> = {
            binary: produceBody(valueBytes, records, 'binary'),
            json: produceBody(valueBytes, records, 'json'),
          }
          const run: Record<SystemName, () => Promise<Sample>> = {
            'tributary binary': () =>
              client.produce(options, topicFor(valueBytes), bodies.binary, records, 'binary'),
            'tributary json': () =>
              client.produce(options, topicFor(valueBytes), bodies.json, records, 'json'),
            'jetstream async': () => jetStream.publishAsync(options, value, records),
            'jetstream raw-ack': () => jetStream.publishRaw(options, value, records),
            'redis xadd': () => redisPeer.xadd(options, value, records),
          }
          // A fresh order each round (seeded, so runs repeat), so no system always follows another.
          for (const system of shuffled(SYSTEMS, random)) {
            await settle()
            const sample = await run[system]()
            const key = `${valueBytes}/${records}/${system}`
            results.produce.set(key, [...(results.produce.get(key) ?? []), sample])
            const error = client.takeError()
            if (error !== undefined) console.error(`  ${system}: first error: ${error}`)
          }
          console.error(`round ${round + 1}/${ROUNDS}: ${valueBytes} B × ${records} done`)
        }
        const partition = round % PARTITIONS
        const read = await client.read(
          topicFor(valueBytes),
          partition,
          valueBytes,
          READ_MAX_BYTES,
          MEASURE_MS,
        )
        results.reads.set(valueBytes, [...(results.reads.get(valueBytes) ?? []), read])
      }
    }
    const summary = {
      produce: new Map([...results.produce].map(([k, v]) => [k, summarize(v)])),
      reads: new Map([...results.reads].map(([k, v]) => [k, summarize(v)])),
    }
    printReport(summary, {
      valueSizes: VALUE_SIZES,
      recordsPerRequest: RECORDS_PER_REQUEST,
      rounds: ROUNDS,
      measureMs: MEASURE_MS,
      connections: CONNECTIONS,
      partitions: PARTITIONS,
      readMaxBytes: READ_MAX_BYTES,
    })
  } finally {
    await client.close().catch(() => undefined)
    await jetStream.close().catch(() => undefined)
    await redisPeer.close().catch(() => undefined)
    await Promise.all(servers.map((server) => server.stop()))
    cleanupNow()
    console.error(`bench:http: ${((performance.now() - started) / 1000).toFixed(0)} s in all`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  cleanupNow()
  process.exit(1)
})
