// Issue 4 end to end: consumer groups through a real combined-mode process (`tributary start`),
// driven over real HTTP as a client written from the REST Proxy's v2 consumer docs drives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CombinedProcess, startCombined, tempDataDir } from '../harness/combined.ts'
import {
  type ConsumedRecord,
  createTopic,
  eventually,
  produceTo,
  RestConsumer,
  unb64,
} from '../harness/rest.ts'

/** Session timeouts this short need the broker's lower bound lowered (Kafka's is 6 s). */
const SESSION_TIMEOUT_MS = 2_000
const START_ARGS = ['--group-min-session-timeout-ms', '500', '--offsets-topic-num-partitions', '5']
const AT_LEAST_ONCE = {
  format: 'binary',
  'auto.offset.reset': 'earliest',
  'auto.commit.enable': 'false',
  'session.timeout.ms': SESSION_TIMEOUT_MS,
  'fetch.min.bytes': 1,
}

let server: CombinedProcess
const data = tempDataDir()

beforeAll(async () => {
  server = await startCombined(data.dir, 30_000, START_ARGS)
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  data.cleanup()
})

const key = (tp: { topic: string; partition: number }) => `${tp.topic}-${tp.partition}`
const textOf = (record: ConsumedRecord) => unb64(record.value) as string

/** Produces `perPartition` unique values to each partition; returns them all. */
async function produceEach(topic: string, partitions: number, perPartition: number, tag: string) {
  const all: string[] = []
  for (let partition = 0; partition < partitions; partition++) {
    const values = Array.from({ length: perPartition }, (_, i) => `${tag}-p${partition}-${i}`)
    await produceTo(server.url, topic, partition, values)
    all.push(...values)
  }
  return all
}

/** Polls every consumer until their assignments are disjoint, non-empty and cover `partitions`. */
async function stableAssignment(consumers: RestConsumer[], topic: string, partitions: number) {
  return eventually(
    async () => {
      for (const consumer of consumers) await consumer.pollRaw(10)
      const owned = await Promise.all(consumers.map((consumer) => consumer.assignments()))
      const keys = owned.flat().map(key)
      const disjoint = new Set(keys).size === keys.length
      const complete = new Set(keys).size === partitions && keys.every((k) => k.startsWith(topic))
      return disjoint && complete && owned.every((list) => list.length > 0) ? owned : undefined
    },
    30_000,
    'a stable assignment',
  )
}

describe('consumer groups over HTTP (combined mode)', () => {
  it('shares a topic between two instances of a group, each record to exactly one; another group gets every record', {
    timeout: 120_000,
  }, async () => {
    await createTopic(server.url, 'orders', 4)
    const a1 = await RestConsumer.create(server.url, 'group-a', AT_LEAST_ONCE)
    const a2 = await RestConsumer.create(server.url, 'group-a', AT_LEAST_ONCE)
    const b = await RestConsumer.create(server.url, 'group-b', AT_LEAST_ONCE)
    for (const consumer of [a1, a2, b])
      expect((await consumer.subscribe(['orders'])).status).toBe(204)
    const [owned1, owned2] = await stableAssignment([a1, a2], 'orders', 4)
    expect(owned1?.length).toBe(2)
    expect(owned2?.length).toBe(2)

    const produced = await produceEach('orders', 4, 25, 'orders')
    const gotA = new Map<string, string[]>()
    const gotB: string[] = []
    await eventually(
      async () => {
        for (const [name, consumer] of [
          ['a1', a1],
          ['a2', a2],
        ] as const) {
          const records = await consumer.poll(200)
          for (const record of records) {
            // Only from partitions this instance owns.
            const mine = name === 'a1' ? owned1 : owned2
            expect(mine?.map(key)).toContain(key(record))
            gotA.set(textOf(record), [...(gotA.get(textOf(record)) ?? []), name])
          }
          if (records.length > 0) expect((await consumer.commit()).status).toBe(200)
        }
        for (const record of await b.poll(200)) gotB.push(textOf(record))
        return gotA.size === produced.length && gotB.length >= produced.length
      },
      60_000,
      'every record consumed',
    )
    // Exactly one member of A got each record; B got every record once.
    for (const value of produced) expect(gotA.get(value)).toHaveLength(1)
    expect(gotB.sort()).toEqual([...produced].sort())
    for (const consumer of [a1, a2, b]) expect((await consumer.delete()).status).toBe(204)
  })

  it('moves a silent member’s partitions to the other after its session timeout, redelivering what it never committed', {
    timeout: 120_000,
  }, async () => {
    await createTopic(server.url, 'payments', 4)
    const stopping = await RestConsumer.create(server.url, 'group-s', AT_LEAST_ONCE)
    const survivor = await RestConsumer.create(server.url, 'group-s', AT_LEAST_ONCE)
    await stopping.subscribe(['payments'])
    await survivor.subscribe(['payments'])
    const [stoppingOwned] = await stableAssignment([stopping, survivor], 'payments', 4)
    const produced = await produceEach('payments', 4, 20, 'pay')

    // The member that will stop: reads its records, commits only the first of each partition.
    const got: ConsumedRecord[] = []
    await eventually(
      async () => {
        got.push(...(await stopping.poll(200)))
        return got.length >= 20 * (stoppingOwned?.length ?? 0)
      },
      30_000,
      'the stopping member read its partitions',
    )
    const firstOfEach = (stoppingOwned ?? []).map((tp) => {
      const first = got.find((record) => key(record) === key(tp))
      if (first === undefined) throw new Error(`nothing read from ${key(tp)}`)
      return { topic: first.topic, partition: first.partition, offset: first.offset }
    })
    expect((await stopping.commit(firstOfEach)).status).toBe(200)
    const uncommitted = got.filter((record) => record.offset > 0).map(textOf)
    const committedByStopping = got.filter((record) => record.offset === 0).map(textOf)

    // The survivor keeps polling and committing; after the session timeout it owns everything.
    const processed = new Set<string>()
    const committedSeen = new Map<string, number>()
    const partitions = [0, 1, 2, 3].map((partition) => ({ topic: 'payments', partition }))
    await eventually(
      async () => {
        for (const record of await survivor.poll(200)) processed.add(textOf(record))
        expect((await survivor.commit()).status).toBe(200)
        // Committed offsets never go backwards.
        for (const entry of await survivor.committed(partitions)) {
          const before = committedSeen.get(key(entry)) ?? -1
          expect(entry.offset).toBeGreaterThanOrEqual(before)
          committedSeen.set(key(entry), entry.offset)
        }
        const owned = await survivor.assignments()
        return owned.length === 4 && uncommitted.every((value) => processed.has(value))
      },
      60_000,
      'the survivor took over and got the uncommitted records again',
    )

    // Every produced record was processed at least once by the group.
    await eventually(
      async () => {
        for (const record of await survivor.poll(200)) processed.add(textOf(record))
        await survivor.commit()
        return produced.every(
          (value) => processed.has(value) || committedByStopping.includes(value),
        )
      },
      30_000,
      'every record processed',
    )

    // The expired member's commit is refused: it owns nothing any more.
    const late = await stopping.commit(
      got.slice(-1).map(({ topic, partition, offset }) => ({ topic, partition, offset })),
    )
    expect(late.status).toBe(409)
    expect(late.body.error_code).toBe(40903)
  })

  it('does not redeliver to the group what an auto-commit instance received before it was dropped', {
    timeout: 120_000,
  }, async () => {
    await createTopic(server.url, 'clicks', 2)
    const config = { ...AT_LEAST_ONCE, 'auto.commit.enable': 'true' }
    const dropped = await RestConsumer.create(server.url, 'group-auto', config)
    await dropped.subscribe(['clicks'])
    const produced = await produceEach('clicks', 2, 10, 'click')
    const first: string[] = []
    await eventually(
      async () => {
        first.push(...(await dropped.poll(200)).map(textOf))
        return first.length === produced.length
      },
      30_000,
      'the first instance read everything',
    )
    expect((await dropped.delete()).status).toBe(204)

    const more = await produceEach('clicks', 2, 5, 'click-more')
    const next = await RestConsumer.create(server.url, 'group-auto', config)
    await next.subscribe(['clicks'])
    const second: string[] = []
    await eventually(
      async () => {
        second.push(...(await next.poll(200)).map(textOf))
        return second.length >= more.length
      },
      30_000,
      'the second instance read the new records',
    )
    await new Promise((wait) => setTimeout(wait, 500))
    second.push(...(await next.poll(200)).map(textOf))
    expect(second.sort()).toEqual([...more].sort())
  })

  it('keeps consumer instances and committed offsets across a SIGKILL and restart; the instance resumes from its commit', {
    timeout: 120_000,
  }, async () => {
    await createTopic(server.url, 'ledger', 1)
    await produceTo(
      server.url,
      'ledger',
      0,
      Array.from({ length: 10 }, (_, i) => `l${i}`),
    )
    const before = await RestConsumer.create(server.url, 'group-r', AT_LEAST_ONCE)
    await before.subscribe(['ledger'])
    const read: ConsumedRecord[] = []
    await eventually(async () => {
      read.push(...(await before.poll(200)))
      return read.length >= 10
    })
    // Processed up to l5: commit its offset (the REST Proxy stores offset + 1).
    const commit = await before.commit([{ topic: 'ledger', partition: 0, offset: 5 }])
    expect(commit.status).toBe(200)

    await server.stop('SIGKILL')
    server = await startCombined(data.dir, 30_000, START_ARGS)
    // The instance and its subscription are records in __consumer_offsets: replayed, it polls on,
    // from the committed offset (what it was delivered but had not committed comes again).
    const again = before.via(server.url)
    expect(await again.committed([{ topic: 'ledger', partition: 0 }])).toEqual([
      expect.objectContaining({ topic: 'ledger', partition: 0, offset: 6 }),
    ])
    const resumed = await eventually(async () => {
      const records = await again.poll(200)
      return records.length > 0 ? records : undefined
    })
    expect(resumed[0]?.offset).toBe(6)
    expect(textOf(resumed[0] as ConsumedRecord)).toBe('l6')
  })
})
