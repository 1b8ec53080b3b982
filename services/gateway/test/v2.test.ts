import { partitionForKey } from '@tributary/core'
import { describe, expect, test } from 'vitest'
import { base64, post, startGateway, V2, V2_BINARY, V2_JSON } from './helpers/gateway.ts'

interface Offsets {
  key_schema_id: null
  value_schema_id: null
  offsets: { partition: number; offset: number; error_code: null; error: null }[]
}

interface Consumed {
  topic: string
  key: unknown
  value: unknown
  partition: number
  offset: number
  timestamp: number
  headers: { name: string; value: string | null }[]
}

describe('v2 metadata', () => {
  test('topics, a topic with every config, partitions with leader and replicas, offsets', async () => {
    const gw = startGateway()
    await gw.createTopic('b-topic', 2, { 'retention.ms': '1000' })
    await gw.createTopic('a-topic', 1)
    expect(await (await gw.request('/topics')).json()).toEqual(['a-topic', 'b-topic'])
    const topic = (await (await gw.request('/topics/b-topic')).json()) as {
      name: string
      configs: Record<string, string>
      partitions: unknown[]
    }
    expect(topic.name).toBe('b-topic')
    expect(topic.configs['retention.ms']).toBe('1000')
    expect(topic.configs['max.message.bytes']).toBe('1048588')
    const partition = {
      partition: 1,
      leader: 1,
      replicas: [{ broker: 1, leader: true, in_sync: true }],
    }
    expect(topic.partitions).toEqual([{ ...partition, partition: 0 }, partition])
    expect(await (await gw.request('/topics/b-topic/partitions')).json()).toEqual(topic.partitions)
    expect(await (await gw.request('/topics/b-topic/partitions/1')).json()).toEqual(partition)
    await gw.request(
      '/topics/b-topic/partitions/1',
      post({ records: [{ value: 'AA==' }, { value: 'AQ==' }] }, V2_BINARY),
    )
    expect(await (await gw.request('/topics/b-topic/partitions/1/offsets')).json()).toEqual({
      beginning_offset: 0,
      end_offset: 2,
    })
    expect(await (await gw.request('/')).json()).toEqual({})
  })
})

describe('v2 produce and read back', () => {
  test("keyed binary records land on murmur2's partition and read back with keys, values and timestamps", async () => {
    const gw = startGateway()
    await gw.createTopic('keyed', 5)
    const keys = Array.from({ length: 40 }, (_, index) => `user-${index}`)
    const before = Date.now()
    const response = await gw.request(
      '/topics/keyed',
      post(
        { records: keys.map((key) => ({ key: base64(key), value: base64(`value of ${key}`) })) },
        V2_BINARY,
      ),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(V2)
    const body = (await response.json()) as Offsets
    expect(body.key_schema_id).toBeNull()
    expect(body.value_schema_id).toBeNull()
    const encoder = new TextEncoder()
    body.offsets.forEach((entry, index) => {
      expect(entry.partition).toBe(partitionForKey(encoder.encode(keys[index]), 5))
    })
    for (let partition = 0; partition < 5; partition++) {
      const read = await gw.request(`/topics/keyed/partitions/${partition}/records?offset=0`)
      const records = (await read.json()) as Consumed[]
      const expected = keys.filter((key) => partitionForKey(encoder.encode(key), 5) === partition)
      expect(
        records.map((record) => Buffer.from(record.key as string, 'base64').toString()),
      ).toEqual(expected)
      for (const record of records) {
        expect(record).toMatchObject({ topic: 'keyed', partition, headers: [] })
        const key = Buffer.from(record.key as string, 'base64').toString()
        expect(Buffer.from(record.value as string, 'base64').toString()).toBe(`value of ${key}`)
        expect(record.timestamp).toBeGreaterThanOrEqual(before)
        expect(record.timestamp).toBeLessThanOrEqual(Date.now())
      }
      expect(records.map((record) => record.offset)).toEqual(records.map((_, index) => index))
    }
  })

  test('keyless records spread round robin over the partitions', async () => {
    const gw = startGateway()
    await gw.createTopic('spread', 3)
    const response = await gw.request(
      '/topics/spread',
      post({ records: Array.from({ length: 30 }, () => ({ value: 'AA==' })) }, V2_BINARY),
    )
    const counts = [0, 0, 0]
    for (const entry of ((await response.json()) as Offsets).offsets)
      counts[entry.partition] = (counts[entry.partition] ?? 0) + 1
    expect(counts).toEqual([10, 10, 10])
  })

  test('json records are stored as JSON text, keyed by that text, and read back as JSON', async () => {
    const gw = startGateway()
    await gw.createTopic('json', 4)
    const records = [
      { key: { id: 7 }, value: { amount: 3.5, tags: ['a', 'b'] } },
      { key: 'plain', value: 'text' },
      { value: null },
      { key: null, value: [1, 2, 3] },
    ]
    const response = await gw.request('/topics/json', post({ records }, V2_JSON))
    const offsets = ((await response.json()) as Offsets).offsets
    expect(offsets[0]?.partition).toBe(partitionForKey(new TextEncoder().encode('{"id":7}'), 4))
    expect(offsets[1]?.partition).toBe(partitionForKey(new TextEncoder().encode('"plain"'), 4))
    for (const [index, record] of records.entries()) {
      const entry = offsets[index]
      const read = await gw.request(
        `/topics/json/partitions/${entry?.partition}/records?offset=${entry?.offset}`,
        {
          headers: { accept: V2_JSON },
        },
      )
      const [first] = (await read.json()) as Consumed[]
      expect(first?.offset).toBe(entry?.offset)
      expect(first?.key).toEqual(record.key ?? null)
      expect(first?.value).toEqual(record.value)
    }
  })

  test('the partition endpoint writes to its partition unless a record names another', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 3)
    const response = await gw.request(
      '/topics/t/partitions/2',
      post(
        {
          records: [
            { key: base64('a'), value: 'AA==' },
            { value: 'AQ==', partition: 0 },
          ],
        },
        V2_BINARY,
      ),
    )
    const offsets = ((await response.json()) as Offsets).offsets
    expect(offsets.map((entry) => [entry.partition, entry.offset])).toEqual([
      [2, 0],
      [0, 0],
    ])
  })

  test('a read returns records from the offset asked, honours max_bytes and ends empty at the end', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    for (let batch = 0; batch < 4; batch++) {
      const records = Array.from({ length: 5 }, (_, index) => ({
        value: base64(`${batch * 5 + index}`.padEnd(100, '-')),
      }))
      await gw.request('/topics/t', post({ records }, V2_BINARY))
    }
    const from = async (query: string) =>
      (
        (await (await gw.request(`/topics/t/partitions/0/records?${query}`)).json()) as Consumed[]
      ).map((record) => record.offset)
    expect(await from('offset=7')).toEqual(Array.from({ length: 13 }, (_, index) => index + 7))
    const capped = await from('offset=0&max_bytes=1')
    expect(capped).toEqual([0, 1, 2, 3, 4])
    expect(await from('offset=20&timeout=0')).toEqual([])
  })
})
