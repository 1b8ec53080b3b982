// Issue 3 end to end: a real combined-mode process (`tributary start`), driven over real HTTP
// the way a client written for the Confluent REST Proxy drives it.
import { partitionForKey } from '@tributary/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CombinedProcess, startCombined, tempDataDir } from '../harness/combined.ts'

const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
const V2_JSON = 'application/vnd.kafka.json.v2+json'
const b64 = (text: string) => Buffer.from(text).toString('base64')
const unb64 = (text: string | null) =>
  text === null ? null : Buffer.from(text, 'base64').toString()

let server: CombinedProcess
const data = tempDataDir()

async function call(path: string, init: RequestInit & { json?: unknown } = {}) {
  const headers = new Headers(init.headers)
  let body = init.body
  if (init.json !== undefined) {
    body = JSON.stringify(init.json)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  }
  const response = await fetch(`${server.url}${path}`, { ...init, headers, body })
  const text = await response.text()
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined }
}

async function clusterId(): Promise<string> {
  const { body } = await call('/v3/clusters')
  return body.data[0].cluster_id
}

async function createTopic(name: string, partitions: number, configs: object[] = []) {
  const id = await clusterId()
  return call(`/v3/clusters/${id}/topics`, {
    method: 'POST',
    json: { topic_name: name, partitions_count: partitions, configs },
  })
}

async function readPartition(topic: string, partition: number, offset = 0) {
  const { status, body } = await call(
    `/topics/${topic}/partitions/${partition}/records?offset=${offset}&timeout=1000`,
    { headers: { accept: V2_BINARY } },
  )
  expect(status).toBe(200)
  return body as Array<{
    key: string | null
    value: string | null
    offset: number
    partition: number
    timestamp: number
    headers?: unknown
  }>
}

async function readAll(topic: string, partition: number) {
  const all = []
  let offset = 0
  for (;;) {
    const batch = await readPartition(topic, partition, offset)
    if (batch.length === 0) return all
    all.push(...batch)
    offset = (batch.at(-1)?.offset ?? offset) + 1
  }
}

beforeAll(async () => {
  server = await startCombined(data.dir)
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  data.cleanup()
})

describe('combined mode over HTTP', () => {
  it('creates topics and lists them through v2 and v3', async () => {
    const created = await createTopic('orders', 4)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ topic_name: 'orders', partitions_count: 4 })
    const listed = await call('/topics', { headers: { accept: 'application/vnd.kafka.v2+json' } })
    expect(listed.body).toContain('orders')
    const partitions = await call('/topics/orders/partitions')
    expect(partitions.body).toHaveLength(4)
  })

  it('puts each key on its murmur2 partition and reads records back in order', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`)
    const produced = await call('/topics/orders', {
      method: 'POST',
      headers: { 'content-type': V2_BINARY },
      body: JSON.stringify({
        records: keys.map((key, i) => ({ key: b64(key), value: b64(`order ${i}`) })),
      }),
    })
    expect(produced.status).toBe(200)
    const offsets = produced.body.offsets as Array<{
      partition: number
      offset: number
      error_code: null
    }>
    expect(offsets).toHaveLength(keys.length)
    keys.forEach((key, i) => {
      expect(offsets[i]?.partition).toBe(partitionForKey(Buffer.from(key), 4))
      expect(offsets[i]?.error_code).toBeNull()
    })
    for (let partition = 0; partition < 4; partition++) {
      const records = await readAll('orders', partition)
      const expected = keys
        .map((key, i) => ({ key, value: `order ${i}` }))
        .filter(({ key }) => partitionForKey(Buffer.from(key), 4) === partition)
      expect(records.map((r) => ({ key: unb64(r.key), value: unb64(r.value) }))).toEqual(expected)
      expect(records.map((r) => r.offset)).toEqual(expected.map((_, i) => i))
    }
  })

  it('keeps v3 headers and timestamps', async () => {
    await createTopic('events', 1)
    const id = await clusterId()
    const produced = await call(`/v3/clusters/${id}/topics/events/records`, {
      method: 'POST',
      json: {
        key: { type: 'STRING', data: 'k' },
        value: { type: 'JSON', data: { n: 1 } },
        headers: [{ name: 'trace', value: b64('abc') }],
        timestamp: '2026-01-02T03:04:05.678Z',
      },
    })
    expect(produced.status).toBe(200)
    expect(produced.body).toMatchObject({ error_code: 200, partition_id: 0, offset: 0 })
    const [record] = await readPartition('events', 0)
    expect(unb64(record?.key ?? null)).toBe('k')
    expect(JSON.parse(unb64(record?.value ?? null) ?? 'null')).toEqual({ n: 1 })
    expect(record?.timestamp).toBe(Date.parse('2026-01-02T03:04:05.678Z'))
    expect(JSON.stringify(record?.headers)).toContain('trace')
  })

  it('gives concurrent producers unique, contiguous offsets', async () => {
    await createTopic('busy', 1)
    const requests = Array.from({ length: 20 }, (_, r) =>
      call('/topics/busy/partitions/0', {
        method: 'POST',
        headers: { 'content-type': V2_JSON },
        body: JSON.stringify({
          records: Array.from({ length: 10 }, (_, i) => ({ value: { r, i } })),
        }),
      }),
    )
    const offsets = (await Promise.all(requests)).flatMap((response) =>
      (response.body.offsets as Array<{ offset: number }>).map((o) => o.offset),
    )
    expect([...offsets].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i))
    expect(await readAll('busy', 0)).toHaveLength(200)
  })

  it('answers bad input with the REST Proxy error codes and keeps serving', async () => {
    const id = await clusterId()
    const cases: Array<
      [Promise<{ status: number; body: { error_code: number } }>, number, number]
    > = [
      [
        call('/topics/missing', {
          method: 'POST',
          headers: { 'content-type': V2_BINARY },
          body: '{"records":[{"value":"aGk="}]}',
        }),
        404,
        40401,
      ],
      [
        call('/topics/orders/partitions/99', {
          method: 'POST',
          headers: { 'content-type': V2_BINARY },
          body: '{"records":[{"value":"aGk="}]}',
        }),
        404,
        40402,
      ],
      [
        call('/topics/orders', {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'hi',
        }),
        415,
        415,
      ],
      [
        call(`/v3/clusters/${id}/topics`, {
          method: 'POST',
          json: { topic_name: 'bad name!', partitions_count: 1 },
        }),
        400,
        40002,
      ],
      [
        call(`/v3/clusters/${id}/topics`, {
          method: 'POST',
          json: { topic_name: 'zero', partitions_count: 0 },
        }),
        400,
        40002,
      ],
      [
        call(`/v3/clusters/${id}/topics`, {
          method: 'POST',
          json: { topic_name: 'orders', partitions_count: 1 },
        }),
        400,
        40002,
      ],
    ]
    for (const [response, status, code] of cases) {
      const { status: got, body } = await response
      expect({ status: got, code: body.error_code }).toEqual({ status, code })
    }
    const malformed = await call('/topics/orders', {
      method: 'POST',
      headers: { 'content-type': V2_BINARY },
      body: '{"records":[',
    })
    expect(malformed.status).toBe(400)
    expect(typeof malformed.body.error_code).toBe('number')
    const badBase64 = await call('/topics/orders', {
      method: 'POST',
      headers: { 'content-type': V2_BINARY },
      body: '{"records":[{"value":"%%%"}]}',
    })
    expect(badBase64.status).toBe(422)

    await createTopic('small', 1, [{ name: 'max.message.bytes', value: '2000' }])
    const big = await call('/topics/small', {
      method: 'POST',
      headers: { 'content-type': V2_BINARY },
      body: JSON.stringify({ records: [{ value: b64('x'.repeat(5000)) }, { value: b64('ok') }] }),
    })
    expect(big.status).toBe(200)
    expect(big.body.offsets[0]).toMatchObject({ partition: null, offset: null, error_code: 50002 })
    // Still serving, and nothing acknowledged earlier is lost.
    expect(await readAll('busy', 0)).toHaveLength(200)
  })
})

describe('restarts', () => {
  it('keeps every topic and acknowledged record across SIGTERM and SIGKILL', async () => {
    await createTopic('durable', 2)
    const acked: Array<{ partition: number; offset: number; value: string }> = []
    const produce = async (round: string) => {
      const values = Array.from({ length: 30 }, (_, i) => `${round}-${i}`)
      const { body } = await call('/topics/durable', {
        method: 'POST',
        headers: { 'content-type': V2_BINARY },
        body: JSON.stringify({ records: values.map((v) => ({ key: b64(v), value: b64(v) })) }),
      })
      const offsets = body.offsets as Array<{ partition: number; offset: number }>
      offsets.forEach((o, i) => {
        acked.push({ partition: o.partition, offset: o.offset, value: values[i] as string })
      })
    }
    await produce('before-term')
    expect(await server.stop('SIGTERM')).toBe(0)
    server = await startCombined(data.dir)
    await produce('before-kill')
    expect(await server.stop('SIGKILL')).toBeNull()
    server = await startCombined(data.dir)

    const topics = await call('/topics')
    expect(topics.body).toEqual(expect.arrayContaining(['orders', 'events', 'busy', 'durable']))
    for (const partition of [0, 1]) {
      const stored = await readAll('durable', partition)
      const byOffset = new Map(stored.map((r) => [r.offset, unb64(r.value)]))
      for (const record of acked.filter((a) => a.partition === partition)) {
        expect(byOffset.get(record.offset)).toBe(record.value)
      }
    }
    expect(await readAll('busy', 0)).toHaveLength(200)
  }, 120_000)
})
