// Issue 5, brokers of a cluster of real processes over a real nats-server: a broker SIGKILLed is
// fenced and its partitions go offline while the others keep serving; restarted, it is unfenced
// once caught up and its partitions come back with their data. And topic creation that the
// brokers cannot serve is refused in the REST Proxy's error format. Bounds are generous upper
// limits, never timing claims.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  brokersConverged,
  clusterPerFile,
  type MetadataLogReader,
  openMetadataLog,
  TEST_SESSION_TIMEOUT_MS,
  waitUntil,
} from '../harness/cluster.ts'
import { b64, call, produceTo, unb64, V2_BINARY } from '../harness/rest.ts'

/** How long a killed broker may take to show fenced: its session timeout plus a wide margin. */
const FENCE_BOUND_MS = TEST_SESSION_TIMEOUT_MS + 17_000
/** The gateway's delivery timeout here: how long a produce to an offline partition retries. */
const DELIVERY_TIMEOUT_MS = 2_000
const TOPIC = 'spread'
const PARTITIONS = 6
const VICTIM = 2

const cluster = clusterPerFile({
  controllers: 3,
  brokers: 3,
  gateways: 1,
  gatewayArgs: [`--delivery-timeout-ms=${DELIVERY_TIMEOUT_MS}`],
})

let metadata: MetadataLogReader

beforeAll(async () => {
  metadata = await openMetadataLog(cluster())
  // Every scenario starts from 3 live brokers, as the log (the controller's image) has them.
  await waitUntil(async () => {
    const { image } = await metadata.replay()
    return image.brokers.filter((broker) => !broker.fenced).length === 3
  }, 'three unfenced brokers in the metadata log')
  await brokersConverged(cluster(), { atLeastOffset: await metadata.log.lastOffset() })
})
afterAll(async () => {
  await metadata?.close()
})

const gateway = () => cluster().gateways[0] as string
const topicsUrl = () => `${gateway()}/v3/clusters/${cluster().clusterId}/topics`

/** Creates a topic through the gateway's v3 API; answers the HTTP status and body. */
function createTopic(name: string, partitions: number, replicationFactor?: number) {
  return call(topicsUrl(), {
    method: 'POST',
    contentType: 'application/json',
    json: {
      topic_name: name,
      partitions_count: partitions,
      ...(replicationFactor === undefined ? {} : { replication_factor: replicationFactor }),
    },
  })
}

/** Each partition's leader (a broker id, or null when offline) from the v3 partitions list. */
async function leaders(topic: string): Promise<(number | null)[]> {
  const reply = await call(`${topicsUrl()}/${topic}/partitions`)
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

/** A partition read from offset 0 through the gateway: its status and, on 200, the values. */
async function readPartition(topic: string, partition: number) {
  const reply = await call(
    `${gateway()}/topics/${topic}/partitions/${partition}/records?offset=0&timeout=0`,
    { headers: { accept: V2_BINARY } },
  )
  const values =
    reply.status === 200
      ? (reply.body as { value: string | null }[]).map((record) => unb64(record.value))
      : undefined
  return { ...reply, values }
}

/** The partitions `brokerId` leads, by index. */
const ledBy = (led: readonly (number | null)[], brokerId: number) =>
  led.flatMap((leader, partition) => (leader === brokerId ? [partition] : []))

/** The values produced to each partition before the kill. */
const before = (partition: number) => [`p${partition}-a`, `p${partition}-b`]

describe('a broker SIGKILLed and restarted (3 controllers, 3 brokers, 1 gateway)', () => {
  let placed: (number | null)[] = []

  it('refuses more replicas than live brokers as 400/40002', async () => {
    const tooMany = await createTopic('four-replicas', 1, 4)
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error_code).toBe(40002)
    expect(tooMany.body.message).toMatch(/replication factor/i)
    expect(tooMany.body.message).toMatch(/larger than available brokers: 3/)
    expect((await call(`${topicsUrl()}/four-replicas`)).status).toBe(404)
  })

  it('spreads a 6-partition topic over the brokers and takes records on each partition', async () => {
    expect((await createTopic(TOPIC, PARTITIONS)).status).toBe(201)
    placed = await leaders(TOPIC)
    expect(ledBy(placed, VICTIM)).toHaveLength(2)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      expect(await produceTo(gateway(), TOPIC, partition, before(partition))).toEqual([0, 1])
    }
  })

  it('fences a SIGKILLed broker within its session timeout: its partitions go offline, the others keep serving', async () => {
    const victim = cluster().broker(VICTIM)
    const epochBefore = (await victim.health()).brokerEpoch
    await victim.kill('SIGKILL')
    expect(victim.running).toBe(false)

    // The controller fences it: the log (every image's source) says so, and the gateway shows
    // its partitions without a leader.
    await waitUntil(
      async () => (await metadata.replay()).image.broker(VICTIM)?.fenced === true,
      `broker ${VICTIM} fenced in the metadata log`,
      FENCE_BOUND_MS,
    )
    const { image } = await metadata.replay()
    expect(image.broker(VICTIM)?.brokerEpoch).toBe(epochBefore)
    await waitUntil(
      async () => ledBy(await leaders(TOPIC), VICTIM).length === 0,
      `the gateway shows broker ${VICTIM}'s partitions offline`,
      FENCE_BOUND_MS,
    )
    const offline = ledBy(placed, VICTIM)
    const now = await leaders(TOPIC)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      // Offline partitions are not silently moved to another broker; the others keep theirs.
      expect(now[partition]).toBe(offline.includes(partition) ? null : placed[partition])
    }

    // A produce to an offline partition fails with the REST Proxy's retriable error once the
    // gateway's retries run out; so does a read.
    const victimPartition = offline[0] as number
    const produced = await call(`${gateway()}/topics/${TOPIC}/partitions/${victimPartition}`, {
      method: 'POST',
      contentType: V2_BINARY,
      json: { records: [{ value: b64('lost') }] },
    })
    expect(produced.status).toBe(200)
    expect(produced.body.offsets).toEqual([
      expect.objectContaining({ partition: null, offset: null, error_code: 50003 }),
    ])
    const read = await readPartition(TOPIC, victimPartition)
    expect(read.status).toBe(500)
    expect(read.body.error_code).toBe(50003)

    // The other brokers keep serving their partitions: produce, then read everything back.
    for (let partition = 0; partition < PARTITIONS; partition++) {
      if (offline.includes(partition)) continue
      expect(await produceTo(gateway(), TOPIC, partition, [`p${partition}-c`])).toEqual([2])
      expect((await readPartition(TOPIC, partition)).values).toEqual([
        ...before(partition),
        `p${partition}-c`,
      ])
    }

    // Placement counts only live brokers now: 3 replicas cannot be placed on 2.
    const tooMany = await createTopic('three-replicas', 1, 3)
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error_code).toBe(40002)
    expect(tooMany.body.message).toMatch(/larger than available brokers: 2/)
  }, 60_000)

  it('restarted, it is unfenced once caught up and its partitions come back with all their data', async () => {
    const victim = cluster().broker(VICTIM)
    const epochBefore = (await metadata.replay()).image.broker(VICTIM)?.brokerEpoch ?? -1
    await victim.start() // resolves once its /health says registered and unfenced
    const health = await victim.health()
    expect(health.fenced).toBe(false)
    expect(health.brokerEpoch).toBeGreaterThan(epochBefore)

    // In the log: the new registration, then its unfencing, which came once it had caught up.
    const entries = await metadata.entries()
    const registered = entries.find(
      ({ record }) =>
        record.type === 'register-broker' &&
        record.brokerId === VICTIM &&
        record.brokerEpoch === health.brokerEpoch,
    )
    const unfenced = entries.find(
      ({ record }) =>
        record.type === 'unfence-broker' &&
        record.brokerId === VICTIM &&
        record.brokerEpoch === health.brokerEpoch,
    )
    expect(registered).toBeDefined()
    expect(unfenced?.offset).toBeGreaterThan(registered?.offset ?? Number.POSITIVE_INFINITY)

    // It leads its partitions again, and every broker agrees with the log.
    await waitUntil(
      async () => JSON.stringify(await leaders(TOPIC)) === JSON.stringify(placed),
      `broker ${VICTIM} leads its partitions again`,
      FENCE_BOUND_MS,
    )
    const converged = await brokersConverged(cluster(), {
      atLeastOffset: await metadata.log.lastOffset(),
    })
    expect(converged.metadataDigest).toBe((await metadata.replay(converged.metadataOffset)).digest)

    // Its partitions hold every record produced before the kill, and take new ones after them.
    for (const partition of ledBy(placed, VICTIM)) {
      expect((await readPartition(TOPIC, partition)).values).toEqual(before(partition))
      expect(await produceTo(gateway(), TOPIC, partition, [`p${partition}-c`])).toEqual([2])
      expect((await readPartition(TOPIC, partition)).values).toEqual([
        ...before(partition),
        `p${partition}-c`,
      ])
    }
  }, 60_000)
})
