/**
 * `npm run bench:replication`: what replication costs a producer. One cluster on this machine
 * (a real nats-server, controllers, 3 brokers and a gateway, each its own process run from the
 * sources, via the test harness's `startCluster`) holds two topics with the same partition
 * count: one with replication factor 3 and min.insync.replicas 2, one with replication factor
 * 1. The gateway produces with acks=all, so a write to the first is acknowledged only once
 * every in-sync replica has it. Both are loaded the way `bench:http` loads combined mode
 * (its client and closed loop: many keep-alive connections, one v2 binary request of 100
 * records of 100 B in flight on each), back to back in every round, in alternating order; the
 * table gives medians and the median per-round ratio against the issue's target (≥ 0.5×).
 *
 * Knobs (environment):
 *   BENCH_MS           measured time per topic and round (default 3000)
 *   BENCH_WARMUP_MS    load before each measured window (default 500)
 *   BENCH_ROUNDS       rounds (default 5)
 *   BENCH_QUICK=1      2 rounds of 1000 ms
 *   BENCH_CONNECTIONS  concurrent requests (default 50)
 *   BENCH_PARTITIONS   partitions of each topic (default 6)
 *   BENCH_RECORDS      records per request (default 100)
 *   BENCH_VALUE_BYTES  bytes per record value (default 100)
 *   BENCH_CONTROLLERS  controller processes (default 1: the controllers are idle while producing)
 *   BENCH_FLUSH_MODE   the brokers' flush mode, fsync (the default of a broker) or os
 *   BENCH_SETTLE_MS    pause after a `sync` between measurements (default 200)
 *   NATS_SERVER        the nats-server binary (default: on PATH, else /usr/sbin/nats-server)
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type BrokerHandle, type Cluster, startCluster, waitUntil } from '../../harness/cluster.ts'
import type { LoadOptions } from '../http-produce/load.ts'
import { produceBody, TributaryClient } from '../http-produce/tributary.ts'
import { printReport, type TopicRun } from './report.ts'

const QUICK = process.env.BENCH_QUICK === '1'
const MEASURE_MS = Number(process.env.BENCH_MS ?? (QUICK ? 1000 : 3000))
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 500)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 5))
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6)
const RECORDS_PER_REQUEST = Number(process.env.BENCH_RECORDS ?? 100)
const VALUE_BYTES = Number(process.env.BENCH_VALUE_BYTES ?? 100)
const CONTROLLERS = Number(process.env.BENCH_CONTROLLERS ?? 1)
const FLUSH_MODE = process.env.BENCH_FLUSH_MODE ?? 'fsync'
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 200)
/** The gateway's acks for every produce: all in-sync replicas. */
const ACKS = 'all'
/** The v2 produce body's media type in the binary embedded format (as `bench:http` sends it). */
const BINARY_CONTENT_TYPE = 'application/vnd.kafka.binary.v2+json'
/** How long the topics get to take produce after they are created (a bound, not a goal). */
const TOPIC_READY_TIMEOUT_MS = 30_000

/** Between measurements: write back what the last one left dirty, so the next does not pay for it. */
async function settle(): Promise<void> {
  spawnSync('sync')
  await new Promise((done) => setTimeout(done, SETTLE_MS))
}

/** Creates `run.topic` through the gateway's v3 API with its replication factor and min ISR. */
async function createTopic(client: TributaryClient, run: TopicRun): Promise<void> {
  const clusters = (await client.call('GET', '/v3/clusters')) as {
    data: { cluster_id: string }[]
  }
  await client.call('POST', `/v3/clusters/${clusters.data[0]?.cluster_id}/topics`, {
    topic_name: run.topic,
    partitions_count: PARTITIONS,
    replication_factor: run.replicationFactor,
    configs: [{ name: 'min.insync.replicas', value: String(run.minInsyncReplicas) }],
  })
}

/** Waits until one request of `body` to `topic` is acknowledged (every partition has a leader the gateway knows). */
function waitWritable(client: TributaryClient, topic: string, body: string): Promise<void> {
  let last = ''
  return waitUntil(
    async () => {
      const response = await client.pool.request({
        method: 'POST',
        path: `/topics/${topic}`,
        headers: { 'content-type': BINARY_CONTENT_TYPE, accept: 'application/vnd.kafka.v2+json' },
        body,
      })
      last = `${response.statusCode} ${(await response.body.text()).slice(0, 300)}`
      return response.statusCode === 200
    },
    `produce to ${topic}`,
    TOPIC_READY_TIMEOUT_MS,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; last answer: ${last}`)
  })
}

/**
 * Bytes of `topic`'s partition directories on `broker`: after the run, every broker
 * should hold about as much of the replicated topic as its leaders took, a check that the
 * followers really copied what acks=all acknowledged.
 */
function bytesOnDisk(broker: BrokerHandle, topic: string): number {
  // A broker keeps its partitions under `<data-dir>/broker-<id>/<topic>-<partition>/`.
  const logDir = join(broker.dataDir, `broker-${broker.brokerId}`)
  const partitionDir = new RegExp(`^${topic}-\\d+$`)
  let total = 0
  for (const entry of readdirSync(logDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !partitionDir.test(entry.name)) continue
    for (const file of readdirSync(join(logDir, entry.name))) {
      total += statSync(join(logDir, entry.name, file)).size
    }
  }
  return total
}

async function main(): Promise<void> {
  console.error(
    `bench:replication: ${ROUNDS} rounds × ${MEASURE_MS} ms (+${WARMUP_MS} ms warm-up), ` +
      `${CONNECTIONS} connections, ${PARTITIONS} partitions, flush mode ${FLUSH_MODE}`,
  )
  const started = performance.now()
  let cluster: Cluster | undefined
  const stop = async (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the cluster`)
    await cluster?.close()
    process.exit(130)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop)

  cluster = await startCluster({
    controllers: CONTROLLERS,
    brokers: 3,
    gateways: 1,
    brokerArgs: [`--flush-mode=${FLUSH_MODE}`],
    gatewayArgs: [`--acks=${ACKS}`],
  })
  const gateway = cluster.gateways[0]
  if (gateway === undefined) throw new Error('the cluster has no gateway')
  const client = new TributaryClient(gateway, CONNECTIONS)
  try {
    const replicated: TopicRun = {
      topic: 'bench-rf3',
      replicationFactor: 3,
      minInsyncReplicas: 2,
      samples: [],
    }
    const baseline: TopicRun = {
      topic: 'bench-rf1',
      replicationFactor: 1,
      minInsyncReplicas: 1,
      samples: [],
    }
    const runs = [replicated, baseline]
    const body = produceBody(VALUE_BYTES, RECORDS_PER_REQUEST, 'binary')
    for (const run of runs) {
      await createTopic(client, run)
      await waitWritable(client, run.topic, body)
    }
    console.error(
      `cluster and topics ready after ${((performance.now() - started) / 1000).toFixed(0)} s`,
    )

    const options: LoadOptions = {
      concurrency: CONNECTIONS,
      warmupMs: WARMUP_MS,
      measureMs: MEASURE_MS,
      valueBytes: VALUE_BYTES,
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating order, so neither topic always runs on a machine the other just warmed.
      const order = round % 2 === 0 ? runs : [...runs].reverse()
      for (const run of order) {
        await settle()
        const sample = await client.produce(options, run.topic, body, RECORDS_PER_REQUEST, 'binary')
        run.samples.push(sample)
        const error = client.takeError()
        if (error !== undefined) console.error(`  ${run.topic}: first error: ${error}`)
      }
      console.error(`round ${round + 1}/${ROUNDS} done`)
    }

    printReport(runs, baseline, {
      rounds: ROUNDS,
      measureMs: MEASURE_MS,
      connections: CONNECTIONS,
      partitions: PARTITIONS,
      recordsPerRequest: RECORDS_PER_REQUEST,
      valueBytes: VALUE_BYTES,
      controllers: CONTROLLERS,
      flushMode: FLUSH_MODE,
      acks: ACKS,
    })
    const brokers = [...cluster.brokers.values()]
    console.log('\nOn disk after the run (segment files, MB):')
    for (const run of runs) {
      const sizes = brokers.map(
        (broker) =>
          `broker ${broker.brokerId} ${(bytesOnDisk(broker, run.topic) / 1e6).toFixed(1)}`,
      )
      console.log(`  ${run.topic}: ${sizes.join(', ')}`)
    }
  } finally {
    await client.close().catch(() => undefined)
    await cluster.close()
    console.error(
      `bench:replication: ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
    )
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
