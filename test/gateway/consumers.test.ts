import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  b64,
  createTopic,
  produce,
  rest,
  startCluster,
  type TestCluster,
  TestConsumer,
  unb64,
  V2,
  V2_BINARY,
  V2_JSON,
} from './cluster.ts'

/*
 * REST Proxy v2 consumer instances over real HTTP, against the real controller and broker (its
 * group coordinator over TCP): create, subscribe or assign, read, commit, committed offsets,
 * seeks, the long poll, the byte cap, every refusal with its code, and the internal offsets topic.
 */

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster({ offsetsTopicNumPartitions: 3 })
})

afterAll(async () => {
  await cluster?.close()
})

describe('a consumer instance reads, commits and answers its committed offsets', () => {
  test('binary: keys and values base64, explicit commits stored as offset + 1', async () => {
    await createTopic(cluster, 'c-binary', 1)
    await produce(
      cluster,
      'c-binary',
      [0, 1, 2].map((i) => ({ key: `k${i}`, value: `v${i}` })),
    )
    const created = await rest(cluster, '/consumers/g-binary', {
      json: {
        name: 'one',
        format: 'binary',
        'auto.offset.reset': 'earliest',
        'auto.commit.enable': 'false',
      },
    })
    expect(created.status).toBe(200)
    expect(created.type).toBe(V2)
    expect(created.body).toEqual({
      instance_id: 'one',
      base_uri: `${cluster.url}/consumers/g-binary/instances/one`,
    })
    const consumer = new TestConsumer(cluster, 'g-binary', 'one', created.body.base_uri)
    await consumer.subscribe(['c-binary'])
    expect((await consumer.call('/subscription')).body).toEqual({ topics: ['c-binary'] })

    const records = await consumer.recordsUntil(3)
    expect(
      records.map((record) => [record.offset, unb64(record.key), unb64(record.value)]),
    ).toEqual([
      [0, 'k0', 'v0'],
      [1, 'k1', 'v1'],
      [2, 'k2', 'v2'],
    ])
    expect(records[0]).toMatchObject({ topic: 'c-binary', partition: 0, headers: [] })
    expect(records[0]?.timestamp).toBeGreaterThan(0)

    // Nothing committed yet (auto.commit.enable false).
    expect(await consumer.committed([{ topic: 'c-binary', partition: 0 }])).toEqual([])
    const commit = await consumer.call('/offsets', {
      json: { offsets: [{ topic: 'c-binary', partition: 0, offset: 1, metadata: 'm' }] },
    })
    expect(commit.status).toBe(200)
    expect(commit.body).toEqual([])
    expect(await consumer.committed([{ topic: 'c-binary', partition: 0 }])).toEqual([
      { topic: 'c-binary', partition: 0, offset: 2, metadata: 'm' },
    ])
    // An empty commit commits what was delivered: the position after offset 2.
    expect((await consumer.call('/offsets', { method: 'POST' })).status).toBe(200)
    expect(await consumer.committed([{ topic: 'c-binary', partition: 0 }])).toMatchObject([
      { offset: 3 },
    ])
    // Extension: a GET without a body answers every committed offset of the group.
    expect((await consumer.call('/offsets')).body).toMatchObject({
      offsets: [{ topic: 'c-binary', partition: 0, offset: 3 }],
    })
    // A second instance of the group starts at the committed offset.
    await produce(cluster, 'c-binary', [{ value: 'v3' }])
    expect((await consumer.call('', { method: 'DELETE' })).status).toBe(204)
    const next = await TestConsumer.create(cluster, 'g-binary', { 'auto.offset.reset': 'earliest' })
    await next.subscribe(['c-binary'])
    expect((await next.recordsUntil(1)).map((record) => record.offset)).toEqual([3])
  })

  test('json: keys and values parsed, the instance format answered under its media type', async () => {
    await createTopic(cluster, 'c-json', 1)
    const produced = await rest(cluster, '/topics/c-json', {
      type: V2_JSON,
      json: { records: [{ key: 'a', value: { n: 1 } }, { value: [1, 2] }] },
    })
    expect(produced.status).toBe(200)
    const consumer = await TestConsumer.create(cluster, 'g-json', {
      format: 'json',
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': false,
    })
    await consumer.subscribe(['c-json'])
    const records = await consumer.recordsUntil(2, V2_JSON)
    expect(records.map((record) => [record.key, record.value])).toEqual([
      ['a', { n: 1 }],
      [null, [1, 2]],
    ])
    // A format-less Accept reads the instance's format.
    await produce(cluster, 'c-json', [{ value: '"text"' }])
    const reply = await consumer.call('/records?timeout=2000', { headers: { accept: V2 } })
    expect(reply.status).toBe(200)
    expect(reply.type).toBe(V2_JSON)
    expect(reply.body).toMatchObject([{ offset: 2, value: 'text' }])
    await consumer.call('/offsets', { method: 'POST', json: {} })
    expect(await consumer.committed([{ topic: 'c-json', partition: 0 }])).toMatchObject([
      { offset: 3 },
    ])
  })

  test('auto.commit.enable (the default) commits what each read returns before it returns it', async () => {
    await createTopic(cluster, 'c-auto', 1)
    await produce(cluster, 'c-auto', [{ value: 'a' }, { value: 'b' }])
    const auto = await TestConsumer.create(cluster, 'g-auto', { 'auto.offset.reset': 'earliest' })
    await auto.subscribe(['c-auto'])
    expect(await auto.recordsUntil(2)).toHaveLength(2)
    expect(await auto.committed([{ topic: 'c-auto', partition: 0 }])).toMatchObject([{ offset: 2 }])

    const manual = await TestConsumer.create(cluster, 'g-manual', {
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
    })
    await manual.subscribe(['c-auto'])
    expect(await manual.recordsUntil(2)).toHaveLength(2)
    expect(await manual.committed([{ topic: 'c-auto', partition: 0 }])).toEqual([])
  })
})

describe('positions', () => {
  test('seek to the beginning, the end, and an offset', async () => {
    await createTopic(cluster, 'c-seek', 1)
    await produce(
      cluster,
      'c-seek',
      [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}` })),
    )
    const consumer = await TestConsumer.create(cluster, 'g-seek', {
      'auto.offset.reset': 'latest',
      'auto.commit.enable': 'false',
    })
    const tp = { topic: 'c-seek', partition: 0 }
    await consumer.assign([tp])
    expect(await consumer.assignments()).toEqual([tp])
    // latest: nothing produced since.
    expect(await consumer.records({ timeout: 200 })).toEqual([])

    expect(
      (await consumer.call('/positions/beginning', { json: { partitions: [tp] } })).status,
    ).toBe(204)
    expect((await consumer.recordsUntil(5)).map((record) => record.offset)).toEqual([0, 1, 2, 3, 4])

    expect(
      (await consumer.call('/positions', { json: { offsets: [{ ...tp, offset: 3 }] } })).status,
    ).toBe(204)
    expect((await consumer.recordsUntil(2)).map((record) => record.offset)).toEqual([3, 4])

    expect(
      (await consumer.call('/positions/beginning', { json: { partitions: [tp] } })).status,
    ).toBe(204)
    expect((await consumer.call('/positions/end', { json: { partitions: [tp] } })).status).toBe(204)
    expect(await consumer.records({ timeout: 200 })).toEqual([])
    await produce(cluster, 'c-seek', [{ value: 'v5' }])
    expect((await consumer.recordsUntil(1)).map((record) => record.offset)).toEqual([5])

    const byTime = await consumer.call('/positions', {
      json: { timestamps: [{ ...tp, timestamp: '2020-01-01T00:00:00Z' }] },
    })
    expect(byTime.status).toBe(422)
    // A partition it does not read.
    await createTopic(cluster, 'c-seek-other', 1)
    const other = await consumer.call('/positions', {
      json: { offsets: [{ topic: 'c-seek-other', partition: 0, offset: 0 }] },
    })
    expect(other.status).toBe(409)
    expect(other.body.error_code).toBe(40903)
  })
})

describe('reads', () => {
  test('the long poll answers as soon as a record is produced during it', async () => {
    await createTopic(cluster, 'c-long', 1)
    const consumer = await TestConsumer.create(cluster, 'g-long', {
      'auto.offset.reset': 'earliest',
      'consumer.request.timeout.ms': 20_000,
    })
    await consumer.assign([{ topic: 'c-long', partition: 0 }])
    const started = Date.now()
    const read = consumer.records({ timeout: 20_000 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    await produce(cluster, 'c-long', [{ value: 'late' }])
    const records = await read
    expect(records.map((record) => unb64(record.value))).toEqual(['late'])
    // Far less than the 20 s wait: a generous bound, not a timing goal.
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  test('with fetch.min.bytes a read waits for that many bytes', async () => {
    await createTopic(cluster, 'c-min-bytes', 1)
    await produce(cluster, 'c-min-bytes', [{ value: 'x'.repeat(100) }])
    const consumer = await TestConsumer.create(cluster, 'g-min-bytes', {
      'auto.offset.reset': 'earliest',
      'fetch.min.bytes': 250,
      'consumer.request.timeout.ms': 20_000,
    })
    await consumer.assign([{ topic: 'c-min-bytes', partition: 0 }])
    const started = Date.now()
    const read = consumer.records({ timeout: 20_000 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    await produce(cluster, 'c-min-bytes', [{ value: 'y'.repeat(100) }, { value: 'z'.repeat(100) }])
    expect((await read).map((record) => record.offset)).toEqual([0, 1, 2])
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  test('ack.timeout.ms delivers again what was not committed in time', async () => {
    await createTopic(cluster, 'c-ack', 1)
    await produce(cluster, 'c-ack', [{ value: 'once' }, { value: 'twice' }])
    const consumer = await TestConsumer.create(cluster, 'g-ack', {
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
      'ack.timeout.ms': 300,
    })
    await consumer.assign([{ topic: 'c-ack', partition: 0 }])
    const first = await consumer.recordsUntil(2)
    expect(first.map((record) => record.offset)).toEqual([0, 1])
    // Only the first is acknowledged: the second comes again once its ack timeout has passed.
    await consumer.call('/offsets', {
      json: { offsets: [{ topic: 'c-ack', partition: 0, offset: 0 }] },
    })
    const again = await consumer.recordsUntil(1)
    expect(again.map((record) => unb64(record.value))).toEqual(['twice'])
  })

  test('max_bytes caps the keys and values returned; the first record always comes', async () => {
    await createTopic(cluster, 'c-bytes', 1)
    await produce(
      cluster,
      'c-bytes',
      [0, 1, 2, 3, 4].map(() => ({ value: 'x'.repeat(100) })),
    )
    const consumer = await TestConsumer.create(cluster, 'g-bytes', {
      'auto.offset.reset': 'earliest',
    })
    await consumer.assign([{ topic: 'c-bytes', partition: 0 }])
    const offsets = async (maxBytes?: number) =>
      (
        await consumer.records({
          timeout: 2000,
          ...(maxBytes === undefined ? {} : { max_bytes: maxBytes }),
        })
      ).map((record) => record.offset)
    expect(await offsets(250)).toEqual([0, 1])
    expect(await offsets(1)).toEqual([2])
    expect(await offsets()).toEqual([3, 4])
  })
})

describe('refusals', () => {
  test('another format in Accept is 406/40601', async () => {
    await createTopic(cluster, 'c-format', 1)
    const consumer = await TestConsumer.create(cluster, 'g-format', { format: 'json' })
    await consumer.subscribe(['c-format'])
    const reply = await consumer.call('/records?timeout=0', { headers: { accept: V2_BINARY } })
    expect(reply.status).toBe(406)
    expect(reply.body.error_code).toBe(40601)
  })

  test('an unknown instance is 404/40403, a taken name 409/40902', async () => {
    const unknown = await rest(cluster, '/consumers/g-errors/instances/nobody/records', {
      headers: { accept: V2_BINARY },
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ error_code: 40403, message: 'Consumer instance not found.' })
    expect(
      (await rest(cluster, '/consumers/g-errors/instances/nobody', { method: 'DELETE' })).body,
    ).toMatchObject({ error_code: 40403 })

    const first = await rest(cluster, '/consumers/g-errors', { json: { name: 'dup' } })
    expect(first.status).toBe(200)
    const second = await rest(cluster, '/consumers/g-errors', { json: { name: 'dup' } })
    expect(second.status).toBe(409)
    expect(second.body.error_code).toBe(40902)

    // Deleted: gone.
    expect(
      (await rest(cluster, '/consumers/g-errors/instances/dup', { method: 'DELETE' })).status,
    ).toBe(204)
    const gone = await rest(cluster, '/consumers/g-errors/instances/dup/subscription')
    expect(gone.status).toBe(404)
    expect(gone.body.error_code).toBe(40403)
  })

  test('subscribe after assign is 409/40903; an unknown topic 404/40401; a bad config 422/42204', async () => {
    await createTopic(cluster, 'c-state', 1)
    const consumer = await TestConsumer.create(cluster, 'g-state')
    await consumer.assign([{ topic: 'c-state', partition: 0 }])
    const subscribe = await consumer.call('/subscription', { json: { topics: ['c-state'] } })
    expect(subscribe.status).toBe(409)
    expect(subscribe.body.error_code).toBe(40903)

    const fresh = await TestConsumer.create(cluster, 'g-state')
    const missing = await fresh.call('/subscription', { json: { topics: ['c-no-such-topic'] } })
    expect(missing.status).toBe(404)
    expect(missing.body.error_code).toBe(40401)

    const avro = await rest(cluster, '/consumers/g-state', { json: { format: 'avro' } })
    expect(avro.status).toBe(422)
    expect(avro.body.error_code).toBe(42204)
    expect(avro.body.message).toMatch(/binary and json/)
  })
})

describe('the internal offsets topic', () => {
  test('is hidden from topic lists unless asked for, readable, and closed to produce', async () => {
    // Some consumer call above created it; make sure of it.
    await TestConsumer.create(cluster, 'g-internal')
    const v2 = await rest(cluster, '/topics')
    expect(v2.body).not.toContain('__consumer_offsets')
    expect((await rest(cluster, '/topics?include_internal=true')).body).toContain(
      '__consumer_offsets',
    )
    const v3 = `/v3/clusters/${cluster.clusterId}/topics`
    const names = async (query: string) =>
      ((await rest(cluster, `${v3}${query}`)).body.data as { topic_name: string }[]).map(
        (topic) => topic.topic_name,
      )
    expect(await names('')).not.toContain('__consumer_offsets')
    expect(await names('?include_internal=true')).toContain('__consumer_offsets')
    const described = await rest(cluster, `${v3}/__consumer_offsets`)
    expect(described.status).toBe(200)
    expect(described.body).toMatchObject({ is_internal: true, partitions_count: 3 })
    expect((await rest(cluster, '/topics/__consumer_offsets')).status).toBe(200)

    const v2Produce = await rest(cluster, '/topics/__consumer_offsets', {
      type: V2_BINARY,
      json: { records: [{ value: b64('x') }] },
    })
    expect(v2Produce.status).toBe(400)
    expect(v2Produce.body).toEqual({
      error_code: 40002,
      message: 'Cannot produce to internal topic __consumer_offsets',
    })
    const v3Produce = await rest(cluster, `${v3}/__consumer_offsets/records`, {
      type: 'application/json',
      json: { value: { type: 'STRING', data: 'x' } },
    })
    expect(v3Produce.status).toBe(400)
    expect(v3Produce.body.error_code).toBe(40002)
  })
})
