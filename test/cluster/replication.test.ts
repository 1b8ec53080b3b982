// Issue 6, replication on a cluster of real processes over a real nats-server: a topic with
// replication factor 3 and min.insync.replicas 2 (the cluster's defaults), its leader SIGKILLed
// while it is written to, then restarted. Bounds are generous upper limits, never timing claims.
import { describe, expect, it } from 'vitest'
import { clusterPerFile, TEST_SESSION_TIMEOUT_MS } from '../harness/cluster.ts'
import { b64, call, eventually, produceTo, unb64, V2, V2_BINARY } from '../harness/rest.ts'

/** What a failover may take on a loaded 2-core machine: the session timeout and a wide margin. */
const FAILOVER_BOUND_MS = TEST_SESSION_TIMEOUT_MS + 27_000

const cluster = clusterPerFile({
  controllers: 3,
  brokers: 3,
  gateways: 1,
  controllerArgs: ['--default-replication-factor=3', '--min-insync-replicas=2'],
  brokerArgs: ['--replica-lag-time-max-ms=5000'],
})
const gateway = () => cluster().gateways[0] as string

interface PartitionView {
  readonly leader: number
  readonly replicas: { broker: number; leader: boolean; in_sync: boolean }[]
}

async function partition(topic: string): Promise<PartitionView> {
  const reply = await call(`${gateway()}/topics/${topic}/partitions/0`, { headers: { accept: V2 } })
  expect(reply.status).toBe(200)
  return reply.body as PartitionView
}

const inSync = (view: PartitionView) =>
  view.replicas
    .filter((r) => r.in_sync)
    .map((r) => r.broker)
    .sort()

/** Every value of partition 0 from offset 0, read through the gateway (up to the high watermark). */
async function readAll(topic: string): Promise<string[]> {
  const values: string[] = []
  for (;;) {
    const reply = await call(
      `${gateway()}/topics/${topic}/partitions/0/records?offset=${values.length}&max_bytes=1048576`,
      { headers: { accept: V2_BINARY } },
    )
    expect(reply.status).toBe(200)
    const records = reply.body as { offset: number; value: string | null }[]
    if (records.length === 0) return values
    for (const record of records) {
      expect(record.offset).toBe(values.length)
      values.push(unb64(record.value) ?? '')
    }
  }
}

describe('replication factor 3 (3 controllers, 3 brokers, 1 gateway)', () => {
  it('creates topics with the cluster defaults, every replica in sync', async () => {
    const created = await call(`${gateway()}/v3/clusters/${cluster().clusterId}/topics`, {
      method: 'POST',
      contentType: 'application/json',
      json: { topic_name: 'replicated', partitions_count: 1 },
    })
    expect(created.status).toBe(201)
    expect(created.body.replication_factor).toBe(3)
    const view = await partition('replicated')
    expect(inSync(view)).toEqual([1, 2, 3])
    const configs = await call(
      `${gateway()}/v3/clusters/${cluster().clusterId}/topics/replicated/configs/min.insync.replicas`,
    )
    expect(configs.body.value).toBe('2')
  })

  it('keeps every acknowledged write when the leader is SIGKILLed, and takes the broker back into the ISR', async () => {
    const before = Array.from({ length: 20 }, (_, i) => `before-${i}`)
    expect(await produceTo(gateway(), 'replicated', 0, before)).toHaveLength(20)
    const victim = cluster().broker((await partition('replicated')).leader)
    await victim.kill('SIGKILL')
    // The gateway retries while the partition has no live leader; every write is acknowledged.
    const after: string[] = []
    for (let i = 0; i < 20; i++) {
      const value = `after-${i}`
      const reply = await call(`${gateway()}/topics/replicated/partitions/0`, {
        method: 'POST',
        contentType: V2_BINARY,
        json: { records: [{ value: b64(value) }] },
      })
      expect(reply.status).toBe(200)
      expect(reply.body.offsets[0].error_code ?? null).toBeNull()
      after.push(value)
    }
    const moved = await partition('replicated')
    expect(moved.leader).not.toBe(victim.brokerId)
    expect(inSync(moved)).not.toContain(victim.brokerId)
    expect(await readAll('replicated')).toEqual([...before, ...after])

    await victim.start()
    const rejoined = await eventually(
      async () => {
        const view = await partition('replicated')
        return inSync(view).length === 3 ? view : undefined
      },
      FAILOVER_BOUND_MS,
      'the restarted broker back in the ISR',
    )
    // Preferred leadership comes back to the first replica once it is in sync again.
    expect(rejoined.leader).toBe(rejoined.replicas[0]?.broker)
    expect(await produceTo(gateway(), 'replicated', 0, ['last'])).toEqual([40])
    expect(await readAll('replicated')).toEqual([...before, ...after, 'last'])
  })
})
