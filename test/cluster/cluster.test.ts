// Issue 5: the services as a cluster of separate processes coordinating over NATS: a real
// nats-server, three controllers (one active), three brokers and a gateway.
import { describe, expect, it } from 'vitest'
import { clusterPerFile } from '../harness/cluster.ts'
import { b64, call, eventually, produceTo, unb64, V2_BINARY } from '../harness/rest.ts'

const cluster = clusterPerFile({ controllers: 3, brokers: 3, gateways: 1 })

/** The gateway's base URL. */
const gateway = () => cluster().gateways[0] as string

/** Creates a topic through the gateway's v3 API; answers the HTTP status and body. */
function createTopic(name: string, partitions: number) {
  return call(`${gateway()}/v3/clusters/${cluster().clusterId}/topics`, {
    method: 'POST',
    contentType: 'application/json',
    json: { topic_name: name, partitions_count: partitions },
  })
}

/** Each partition's leader (a broker id, or null when offline) from the v3 partitions list. */
async function leaders(topic: string): Promise<(number | null)[]> {
  const reply = await call(
    `${gateway()}/v3/clusters/${cluster().clusterId}/topics/${topic}/partitions`,
  )
  expect(reply.status).toBe(200)
  const partitions = reply.body.data as {
    partition_id: number
    leader: { related: string } | null
  }[]
  return partitions
    .sort((a, b) => a.partition_id - b.partition_id)
    .map(({ leader }) =>
      leader === null ? null : Number(/\/replicas\/(\d+)$/.exec(leader.related)?.[1]),
    )
}

/** How many of `ids` each broker holds. */
function countByBroker(ids: readonly (number | null)[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const id of ids) counts[String(id)] = (counts[String(id)] ?? 0) + 1
  return counts
}

/** The values of a partition from offset 0, read through the gateway's partition read. */
async function readValues(topic: string, partition: number): Promise<(string | null)[]> {
  const reply = await call(
    `${gateway()}/topics/${topic}/partitions/${partition}/records?offset=0&timeout=0`,
    { headers: { accept: V2_BINARY } },
  )
  expect(reply.status).toBe(200)
  return (reply.body as { value: string | null }[]).map((record) => unb64(record.value))
}

describe('a cluster on NATS: 3 controllers, 3 brokers, 1 gateway', () => {
  it('names the cluster by its id and has exactly one active controller', async () => {
    const clusters = await call(`${gateway()}/v3/clusters`)
    expect(clusters.body.data.map((entry: { cluster_id: string }) => entry.cluster_id)).toEqual([
      cluster().clusterId,
    ])
    const active = await Promise.all(cluster().controllers.map((handle) => handle.active()))
    expect(active.filter(Boolean)).toHaveLength(1)
  })

  it('spreads a 6-partition topic over the brokers, 2 leaders each', async () => {
    const created = await createTopic('spread', 6)
    expect(created.status).toBe(201)
    expect(countByBroker(await leaders('spread'))).toEqual({ 1: 2, 2: 2, 3: 2 })
    // Each broker has taken up the partitions it leads.
    await eventually(async () => {
      const health = await Promise.all([...cluster().brokers.values()].map((b) => b.health()))
      return health.every((entry) => entry.leaderPartitions >= 2)
    }, 20_000)
  })

  it('reads back through the gateway what was produced through it, on every partition', async () => {
    for (let partition = 0; partition < 6; partition++) {
      const offsets = await produceTo(gateway(), 'spread', partition, [
        `p${partition}-a`,
        `p${partition}-b`,
      ])
      expect(offsets).toEqual([0, 1])
    }
    for (let partition = 0; partition < 6; partition++) {
      expect(await readValues('spread', partition)).toEqual([`p${partition}-a`, `p${partition}-b`])
    }
  })

  it('survives SIGKILL of the active controller: another takes over and admin works again', async () => {
    const killed = await cluster().activeController()
    const epochBefore = (await killed.health()).controllerEpoch
    await cluster().killController(killed.nodeId, 'SIGKILL')
    expect(killed.running).toBe(false)

    // Within the lease (3 s) plus a generous margin.
    const next = await cluster().activeController({ except: killed, timeoutMs: 20_000 })
    expect(next.nodeId).not.toBe(killed.nodeId)
    expect((await next.health()).controllerEpoch).toBeGreaterThan(epochBefore)

    const created = await createTopic('after-failover', 3)
    expect(created.status).toBe(201)
    expect(countByBroker(await leaders('after-failover'))).toEqual({ 1: 1, 2: 1, 3: 1 })

    // The data plane is untouched: the old topic still serves, the new one takes records.
    expect(await readValues('spread', 5)).toEqual(['p5-a', 'p5-b'])
    const reply = await call(`${gateway()}/topics/after-failover/partitions/2`, {
      method: 'POST',
      contentType: V2_BINARY,
      json: { records: [{ value: b64('after') }] },
    })
    expect(reply.status).toBe(200)
    expect(await readValues('after-failover', 2)).toEqual(['after'])
  })
})
