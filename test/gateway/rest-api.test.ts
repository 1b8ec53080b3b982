import { partitionForKey } from '@tributary/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from './cluster.ts'

/*
 * The REST API over real HTTP, against the real controller and broker: topics made through v2
 * and v3, keyed produce on murmur2's partitions, records read back with keys, values, headers
 * and timestamps, concurrent producers, and every bad input answered with its status and code.
 */

const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
const V2_JSON = 'application/vnd.kafka.json.v2+json'
const encoder = new TextEncoder()
const b64 = (text: string) => Buffer.from(text).toString('base64')
const text = (base64: string) => Buffer.from(base64, 'base64').toString()

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster()
})

afterAll(async () => {
  await cluster?.close()
})

async function call(
  path: string,
  init: RequestInit & { json?: unknown; type?: string } = {},
): Promise<Response> {
  const { json, type, ...rest } = init
  const headers = new Headers(rest.headers)
  if (json !== undefined) headers.set('content-type', type ?? 'application/json')
  return fetch(`${cluster.url}${path}`, {
    ...rest,
    headers,
    ...(json === undefined ? {} : { body: typeof json === 'string' ? json : JSON.stringify(json) }),
    ...(json === undefined ? {} : { method: rest.method ?? 'POST' }),
  })
}

async function createTopic(
  name: string,
  partitions: number,
  configs: { name: string; value: string }[] = [],
) {
  const response = await call(`/v3/clusters/${cluster.clusterId}/topics`, {
    json: { topic_name: name, partitions_count: partitions, replication_factor: 1, configs },
  })
  expect(response.status).toBe(201)
}

interface Consumed {
  key: string | null
  value: unknown
  partition: number
  offset: number
  timestamp: number
  headers: { name: string; value: string | null }[]
}

async function read(
  topic: string,
  partition: number,
  offset = 0,
  accept = V2_BINARY,
): Promise<Consumed[]> {
  const response = await call(
    `/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_bytes=10000000&timeout=0`,
    {
      headers: { accept },
    },
  )
  expect(response.status).toBe(200)
  return (await response.json()) as Consumed[]
}

describe('topics', () => {
  test('created through v3 is visible at once through v2 and v3, then deleted', async () => {
    await createTopic('e2e-topics', 2, [{ name: 'retention.ms', value: '3600000' }])
    expect(await (await call('/topics')).json()).toContain('e2e-topics')
    const v2 = (await (await call('/topics/e2e-topics')).json()) as {
      configs: Record<string, string>
      partitions: { leader: number }[]
    }
    expect(v2.configs['retention.ms']).toBe('3600000')
    expect(v2.partitions.map((partition) => partition.leader)).toEqual([1, 1])
    const configs = await call(
      `/v3/clusters/${cluster.clusterId}/topics/e2e-topics/configs/retention.ms`,
      {
        method: 'PUT',
        json: { value: '7200000' },
      },
    )
    expect(configs.status).toBe(204)
    const config = (await (
      await call(`/v3/clusters/${cluster.clusterId}/topics/e2e-topics/configs/retention.ms`)
    ).json()) as { value: string }
    expect(config.value).toBe('7200000')
    const raised = await call(`/v3/clusters/${cluster.clusterId}/topics/e2e-topics`, {
      method: 'PATCH',
      json: { partitions_count: 3 },
    })
    expect(((await raised.json()) as { partitions_count: number }).partitions_count).toBe(3)
    expect(await (await call('/topics/e2e-topics/partitions')).json()).toHaveLength(3)
    expect(
      (await call(`/v3/clusters/${cluster.clusterId}/topics/e2e-topics`, { method: 'DELETE' }))
        .status,
    ).toBe(204)
    expect((await call('/topics/e2e-topics')).status).toBe(404)
  })
})

describe('produce and read back', () => {
  test("keyed records land on murmur2's partition and read back in order with keys and values", async () => {
    await createTopic('e2e-keyed', 4)
    const keys = Array.from({ length: 60 }, (_, index) => `customer-${index % 15}`)
    const response = await call('/topics/e2e-keyed', {
      type: V2_BINARY,
      json: {
        records: keys.map((key, index) => ({ key: b64(key), value: b64(`${key}#${index}`) })),
      },
    })
    expect(response.status).toBe(200)
    const { offsets } = (await response.json()) as {
      offsets: { partition: number; offset: number; error_code: null }[]
    }
    offsets.forEach((entry, index) => {
      expect(entry.error_code).toBeNull()
      expect(entry.partition).toBe(partitionForKey(encoder.encode(keys[index]), 4))
    })
    for (let partition = 0; partition < 4; partition++) {
      const expected = keys
        .map((key, index) => ({ key, value: `${key}#${index}` }))
        .filter(({ key }) => partitionForKey(encoder.encode(key), 4) === partition)
      const records = await read('e2e-keyed', partition)
      expect(
        records.map((record) => ({
          key: text(record.key ?? ''),
          value: text(record.value as string),
        })),
      ).toEqual(expected)
      expect(records.map((record) => record.offset)).toEqual(expected.map((_, index) => index))
    }
  })

  test('v3 records keep their headers and timestamps; JSON values read back as JSON', async () => {
    await createTopic('e2e-v3', 1)
    const records = [
      {
        key: { type: 'JSON', data: 'k1' },
        value: { type: 'JSON', data: { n: 1 } },
        headers: [{ name: 'trace', value: b64('t-1') }],
        timestamp: '2026-05-06T07:08:09.010Z',
      },
      {
        value: { type: 'JSON', data: [true, null] },
        headers: [
          { name: 'a', value: null },
          { name: 'a', value: b64('twice') },
        ],
        timestamp: '2025-01-01T00:00:00Z',
      },
    ]
    const response = await call(`/v3/clusters/${cluster.clusterId}/topics/e2e-v3/records`, {
      json: records.map((record) => JSON.stringify(record)).join('\n'),
    })
    expect(response.status).toBe(200)
    const reports = (await response.text())
      .trim()
      .split('\r\n')
      .map((line) => JSON.parse(line) as { error_code: number; offset: number; timestamp: string })
    expect(reports.map((report) => [report.error_code, report.offset, report.timestamp])).toEqual([
      [200, 0, '2026-05-06T07:08:09.010Z'],
      [200, 1, '2025-01-01T00:00:00.000Z'],
    ])
    const stored = await read('e2e-v3', 0, 0, V2_JSON)
    expect(
      stored.map((record) => ({
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: record.headers,
      })),
    ).toEqual([
      {
        key: 'k1',
        value: { n: 1 },
        timestamp: Date.parse('2026-05-06T07:08:09.010Z'),
        headers: [{ name: 'trace', value: b64('t-1') }],
      },
      {
        key: null,
        value: [true, null],
        timestamp: Date.parse('2025-01-01T00:00:00Z'),
        headers: [
          { name: 'a', value: null },
          { name: 'a', value: b64('twice') },
        ],
      },
    ])
  })

  test('a chunked stream of records gets one report per record, in order', async () => {
    await createTopic('e2e-stream', 2)
    const lines = Array.from({ length: 30 }, (_, index) =>
      JSON.stringify({
        partition_id: index % 2,
        value: { type: 'STRING', data: `streamed ${index} ✓` },
      }),
    )
    const bytes = encoder.encode(lines.join(''))
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 37) controller.enqueue(bytes.slice(at, at + 37))
        controller.close()
      },
    })
    const response = await fetch(
      `${cluster.url}/v3/clusters/${cluster.clusterId}/topics/e2e-stream/records`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit,
    )
    expect(response.status).toBe(200)
    const reports = (await response.text())
      .trim()
      .split('\r\n')
      .map((line) => JSON.parse(line) as { partition_id: number; offset: number })
    expect(reports.map((report) => [report.partition_id, report.offset])).toEqual(
      lines.map((_, index) => [index % 2, Math.floor(index / 2)]),
    )
    expect((await read('e2e-stream', 1)).map((record) => text(record.value as string))[14]).toBe(
      'streamed 29 ✓',
    )
  })

  test('concurrent producers get unique, contiguous offsets, and the log holds what each was told', async () => {
    await createTopic('e2e-concurrent', 1)
    const producers = Array.from({ length: 25 }, async (_, producer) => {
      const response = await call('/topics/e2e-concurrent', {
        type: V2_BINARY,
        json: {
          records: Array.from({ length: 8 }, (_, index) => ({
            value: b64(`p${producer}-${index}`),
          })),
        },
      })
      const body = (await response.json()) as { offsets: { offset: number }[] }
      return body.offsets.map((entry) => entry.offset)
    })
    const answers = await Promise.all(producers)
    for (const offsets of answers)
      expect(offsets).toEqual(offsets.map((_, index) => (offsets[0] as number) + index))
    expect(answers.flat().sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, index) => index),
    )
    const stored = await read('e2e-concurrent', 0)
    answers.forEach((offsets, producer) => {
      offsets.forEach((offset, index) => {
        expect(text(stored[offset]?.value as string)).toBe(`p${producer}-${index}`)
      })
    })
  })

  test('a partition read waits for a record that is not there yet', async () => {
    await createTopic('e2e-wait', 1)
    const waiting = call('/topics/e2e-wait/partitions/0/records?offset=0&timeout=20000')
    const produced = await call('/topics/e2e-wait', {
      type: V2_JSON,
      json: { records: [{ value: 'late' }] },
    })
    expect(produced.status).toBe(200)
    const records = (await (await waiting).json()) as Consumed[]
    expect(records.map((record) => text(record.value as string))).toEqual(['"late"'])
  })
})

describe('bad input gets the REST Proxy status and code, and the server keeps serving', () => {
  test.each([
    [
      'v2 produce, unknown topic',
      '/topics/e2e-none',
      { type: V2_BINARY, json: { records: [{ value: 'AA==' }] } },
      404,
      40401,
    ],
    [
      'v2 produce, unknown partition',
      '/topics/e2e-bad/partitions/3',
      { type: V2_BINARY, json: { records: [{ value: 'AA==' }] } },
      404,
      40402,
    ],
    [
      'v2 produce, plain JSON',
      '/topics/e2e-bad',
      { json: { records: [{ value: 'AA==' }] } },
      415,
      415,
    ],
    [
      'v2 produce, malformed JSON',
      '/topics/e2e-bad',
      { type: V2_BINARY, json: '{"records":[' },
      400,
      400,
    ],
    [
      'v2 produce, no records',
      '/topics/e2e-bad',
      { type: V2_BINARY, json: { records: [] } },
      422,
      422,
    ],
    [
      'v2 produce, bad base64',
      '/topics/e2e-bad',
      { type: V2_BINARY, json: { records: [{ value: '***' }] } },
      422,
      42207,
    ],
    [
      'v2 read, Accept avro',
      '/topics/e2e-bad/partitions/0/records?offset=0',
      { headers: { accept: 'application/vnd.kafka.avro.v2+json' } },
      406,
      406,
    ],
    ['v3 unknown cluster', '/v3/clusters/nope/topics', {}, 404, 404],
    [
      'v3 create, invalid name',
      'V3/topics',
      { json: { topic_name: 'no spaces allowed' } },
      400,
      40002,
    ],
    [
      'v3 create, zero partitions',
      'V3/topics',
      { json: { topic_name: 'e2e-zero', partitions_count: 0 } },
      400,
      40002,
    ],
    [
      'v3 create, replication factor above the brokers',
      'V3/topics',
      { json: { topic_name: 'e2e-rf', replication_factor: 3 } },
      400,
      40002,
    ],
    ['v3 create, exists', 'V3/topics', { json: { topic_name: 'e2e-bad' } }, 400, 40002],
    [
      'v3 create, bad config',
      'V3/topics',
      { json: { topic_name: 'e2e-cfg', configs: [{ name: 'segment.ms', value: 'x' }] } },
      400,
      40002,
    ],
    ['v3 unknown topic', 'V3/topics/e2e-none', {}, 404, 40403],
    [
      'v3 produce, unknown topic',
      'V3/topics/e2e-none/records',
      { json: { value: { type: 'STRING', data: 'x' } } },
      404,
      40403,
    ],
  ] as const)('%s', async (_name, path, init, status, errorCode) => {
    if ((await call('/topics/e2e-bad')).status === 404) await createTopic('e2e-bad', 3)
    const response = await call(
      path.replace('V3', `/v3/clusters/${cluster.clusterId}`),
      init as RequestInit & { json?: unknown },
    )
    const body = (await response.json()) as { error_code: number; message: string }
    expect([response.status, body.error_code]).toEqual([status, errorCode])
    expect(body.message.length).toBeGreaterThan(0)
  })

  test('a record over max.message.bytes fails alone (50002); what was acknowledged before is intact', async () => {
    await createTopic('e2e-limit', 1, [{ name: 'max.message.bytes', value: '1000' }])
    const first = await call('/topics/e2e-limit', {
      type: V2_BINARY,
      json: { records: [{ value: b64('kept') }] },
    })
    expect(((await first.json()) as { offsets: { offset: number }[] }).offsets[0]?.offset).toBe(0)
    const response = await call('/topics/e2e-limit', {
      type: V2_BINARY,
      json: { records: [{ value: b64('x'.repeat(2000)) }, { value: b64('small') }] },
    })
    expect(response.status).toBe(200)
    const { offsets } = (await response.json()) as {
      offsets: { offset: number | null; error_code: number | null; error: string | null }[]
    }
    expect(offsets[0]).toMatchObject({ offset: null, error_code: 50002 })
    expect(offsets[0]?.error).toMatch(/max\.message\.bytes/)
    expect(offsets[1]).toMatchObject({ offset: 1, error_code: null })
    const streamed = await call(`/v3/clusters/${cluster.clusterId}/topics/e2e-limit/records`, {
      json: `{"value":{"type":"STRING","data":"${'y'.repeat(2000)}"}}{"value":{"type":"STRING","data":"ok"}}`,
    })
    const reports = (await streamed.text())
      .trim()
      .split('\r\n')
      .map((line) => JSON.parse(line) as { error_code: number })
    expect(reports.map((report) => report.error_code)).toEqual([50002, 200])
    const stored = await read('e2e-limit', 0)
    expect(stored.map((record) => text(record.value as string))).toEqual(['kept', 'small', 'ok'])
  })
})
