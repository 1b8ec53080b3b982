import { Acks, ErrorCode } from '@tributary/core'
import { describe, expect, test, vi } from 'vitest'
import { base64, post, startGateway, type TestGateway, V2_BINARY } from './helpers/gateway.ts'

interface V2Offset {
  partition: number | null
  offset: number | null
  error_code: number | null
  error: string | null
}

async function produce(gw: TestGateway, path: string, records: unknown[]): Promise<V2Offset[]> {
  const response = await gw.request(path, post({ records }, V2_BINARY))
  expect(response.status).toBe(200)
  return ((await response.json()) as { offsets: V2Offset[] }).offsets
}

const values = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({ value: base64(`${prefix}-${index}`) }))

/** Holds every produce at the data plane until the returned function is called. */
function closeGate(gw: TestGateway): () => void {
  let open!: () => void
  gw.dataPlane.gate = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    gw.dataPlane.gate = undefined
    open()
  }
}

async function accepted(gw: TestGateway, records: number): Promise<void> {
  await vi.waitFor(async () => {
    const text = await (await gw.request('/metrics')).text()
    expect(text).toContain(`tributary_gateway_produce_records_total ${records}`)
  })
}

describe('coalescing produce requests per partition', () => {
  test('concurrent requests share batches, and each gets its own unique, contiguous offsets', async () => {
    const gw = startGateway({ config: { maxInFlightPerPartition: 1 } })
    await gw.createTopic('orders', 1)
    const open = closeGate(gw)
    const requests = Array.from({ length: 20 }, (_, request) =>
      produce(gw, '/topics/orders/partitions/0', values(`r${request}`, 5)),
    )
    await accepted(gw, 100)
    open()
    const answers = await Promise.all(requests)
    // One batch left before the gate closed on it; everything else waited and left together.
    expect(gw.dataPlane.produced.length).toBeLessThanOrEqual(2)
    expect(gw.dataPlane.produced.reduce((sum, batch) => sum + batch.records, 0)).toBe(100)
    const all: number[] = []
    for (const offsets of answers) {
      const mine = offsets.map((entry) => entry.offset as number)
      expect(offsets.every((entry) => entry.error_code === null && entry.partition === 0)).toBe(
        true,
      )
      expect(mine).toEqual(mine.map((_, index) => (mine[0] as number) + index))
      all.push(...mine)
    }
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, index) => index))
    // The log holds each request's records at the offsets it was told.
    const read = await gw.request('/topics/orders/partitions/0/records?offset=0&max_bytes=1000000')
    const stored = (await read.json()) as { offset: number; value: string }[]
    answers.forEach((offsets, request) => {
      offsets.forEach((entry, index) => {
        expect(stored[entry.offset as number]?.value).toBe(base64(`r${request}-${index}`))
      })
    })
  })

  test('requests with different acks never share a batch, and each acks still coalesces', async () => {
    const gw = startGateway({ config: { maxInFlightPerPartition: 1 } })
    await gw.createTopic('mixed', 1)
    const open = closeGate(gw)
    const kinds = [
      { query: 'all', acks: Acks.All },
      { query: '1', acks: Acks.Leader },
      { query: '0', acks: Acks.None },
    ]
    const requests = Array.from({ length: 30 }, (_, request) => {
      const kind = kinds[request % kinds.length] as (typeof kinds)[number]
      return produce(
        gw,
        `/topics/mixed/partitions/0?acks=${kind.query}`,
        values(`${kind.acks}/r${request}`, 5),
      )
    })
    await accepted(gw, 150)
    open()
    await Promise.all(requests)
    await vi.waitFor(() =>
      expect(gw.dataPlane.produced.reduce((sum, batch) => sum + batch.records, 0)).toBe(150),
    )
    for (const batch of gw.dataPlane.produced) {
      for (const value of batch.values) expect(value?.split('/')[0]).toBe(String(batch.acks))
    }
    // acks=all and acks=1 each: one batch held at the gate, then everything else together.
    for (const acks of [Acks.All, Acks.Leader]) {
      const batches = gw.dataPlane.produced.filter((batch) => batch.acks === acks)
      expect(batches.length).toBeLessThanOrEqual(2)
      expect(batches.reduce((sum, batch) => sum + batch.records, 0)).toBe(50)
    }
  })

  test("a batch never exceeds the topic's max.message.bytes; a large request is split, in order", async () => {
    const gw = startGateway({ maxMessageBytes: 2000 })
    await gw.createTopic('small', 1, { 'max.message.bytes': '2000' })
    const records = Array.from({ length: 20 }, (_, index) => ({
      value: base64(`${index}`.padEnd(300, '.')),
    }))
    const offsets = await produce(gw, '/topics/small', records)
    expect(offsets.map((entry) => entry.offset)).toEqual(records.map((_, index) => index))
    expect(gw.dataPlane.produced.length).toBeGreaterThan(1)
    for (const batch of gw.dataPlane.produced) expect(batch.bytes).toBeLessThanOrEqual(2000)
  })

  test('a record over max.message.bytes fails alone with 50002; the rest of its request is written', async () => {
    const gw = startGateway({ maxMessageBytes: 2000 })
    await gw.createTopic('small', 1, { 'max.message.bytes': '2000' })
    const offsets = await produce(gw, '/topics/small', [
      { value: base64('before') },
      { value: base64('x'.repeat(3000)) },
      { value: base64('after') },
    ])
    expect(offsets[0]).toEqual({ partition: 0, offset: 0, error_code: null, error: null })
    expect(offsets[1]).toMatchObject({ partition: null, offset: null, error_code: 50002 })
    expect(offsets[1]?.error).toMatch(/larger than 2000, the max\.message\.bytes of topic small/)
    expect(offsets[2]).toEqual({ partition: 0, offset: 1, error_code: null, error: null })
  })

  test('a failed batch fails only its own records, in another partition or a later batch', async () => {
    const gw = startGateway({ config: { maxInFlightPerPartition: 1 } })
    await gw.createTopic('t', 2)
    gw.dataPlane.failures.push({ code: ErrorCode.InvalidRecord, partition: 0 })
    const open = closeGate(gw)
    const first = produce(gw, '/topics/t/partitions/0', values('a', 2))
    const other = produce(gw, '/topics/t/partitions/1', values('b', 2))
    await vi.waitFor(() => expect(gw.dataPlane.arrived).toBe(2))
    const later = produce(gw, '/topics/t/partitions/0', values('c', 2))
    await accepted(gw, 6)
    open()
    const [failed, fine, next] = await Promise.all([first, other, later])
    expect(failed.map((entry) => entry.error_code)).toEqual([50002, 50002])
    expect(failed[0]?.error).toMatch(/INVALID_RECORD/)
    expect(fine.map((entry) => [entry.partition, entry.offset])).toEqual([
      [1, 0],
      [1, 1],
    ])
    expect(next.map((entry) => [entry.partition, entry.offset])).toEqual([
      [0, 0],
      [0, 1],
    ])
  })
})

describe('retries against fresher metadata', () => {
  test('NOT_LEADER_OR_FOLLOWER and UNKNOWN_TOPIC_OR_PARTITION (a broker late to see a new topic) are retried', async () => {
    const gw = startGateway({ config: { retryBackoffMs: 1 } })
    await gw.createTopic('t', 1)
    gw.dataPlane.failures.push(
      { code: ErrorCode.UnknownTopicOrPartition },
      { code: ErrorCode.NotLeaderOrFollower },
    )
    const offsets = await produce(gw, '/topics/t', values('v', 3))
    expect(offsets.map((entry) => entry.offset)).toEqual([0, 1, 2])
    expect(gw.dataPlane.failures).toEqual([])
    const metrics = await (await gw.request('/metrics')).text()
    expect(metrics).toContain(
      'tributary_gateway_produce_retries_total{reason="NOT_LEADER_OR_FOLLOWER"} 1',
    )
  })

  test('a lost connection is dropped, reconnected and the batch sent again', async () => {
    const gw = startGateway({ config: { retryBackoffMs: 1 } })
    await gw.createTopic('t', 1)
    gw.dataPlane.rejections = 1
    const offsets = await produce(gw, '/topics/t', values('v', 1))
    expect(offsets[0]).toMatchObject({ partition: 0, offset: 0, error_code: null })
    expect(gw.dataPlane.connected).toEqual([1, 1])
  })

  test('after the retry bound the records fail with the retriable 50003', async () => {
    const gw = startGateway({
      config: { retryBackoffMs: 1, retryBackoffMaxMs: 2, deliveryTimeoutMs: 50 },
    })
    await gw.createTopic('t', 1)
    for (let i = 0; i < 10_000; i++)
      gw.dataPlane.failures.push({ code: ErrorCode.NotLeaderOrFollower })
    const offsets = await produce(gw, '/topics/t', values('v', 2))
    expect(offsets.map((entry) => entry.error_code)).toEqual([50003, 50003])
    gw.dataPlane.failures.length = 0
    expect((await produce(gw, '/topics/t', values('w', 1)))[0]?.offset).toBe(0)
  })
})

describe('async produce', () => {
  test('answers 202 before the broker has the records, which arrive afterwards', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    const open = closeGate(gw)
    const response = await gw.request(
      '/topics/t?async=true',
      post({ records: values('v', 3) }, V2_BINARY),
    )
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({
      key_schema_id: null,
      value_schema_id: null,
      offsets: [0, 1, 2].map(() => ({ partition: 0, offset: null, error_code: null, error: null })),
    })
    expect(gw.dataPlane.produced).toEqual([])
    open()
    await vi.waitFor(async () => {
      const read = await gw.request('/topics/t/partitions/0/records?offset=0')
      expect(((await read.json()) as unknown[]).length).toBe(3)
    })
  })

  test('refuses with 429 once the async buffer is full', async () => {
    const gw = startGateway({ config: { asyncMaxPendingBytes: 1000 } })
    await gw.createTopic('t', 1)
    const open = closeGate(gw)
    const big = { records: [{ value: base64('x'.repeat(800)) }] }
    expect((await gw.request('/topics/t?async=true', post(big, V2_BINARY))).status).toBe(202)
    const refused = await gw.request('/topics/t?async=true', post(big, V2_BINARY))
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error_code: number }).error_code).toBe(429)
    open()
  })
})
