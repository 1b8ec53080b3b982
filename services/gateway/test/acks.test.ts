import { Acks } from '@tributary/core'
import { describe, expect, test, vi } from 'vitest'
import {
  base64,
  CLUSTER_ID,
  listen,
  post,
  startGateway,
  type TestGateway,
  V2,
  V2_BINARY,
} from './helpers/gateway.ts'

interface V2Offset {
  partition: number | null
  offset: number | null
  error_code: number | null
  error: string | null
}

interface Report {
  error_code: number
  message?: string
  partition_id?: number
  offset?: number | null
  timestamp?: string
}

const v3Path = (topic: string) => `/v3/clusters/${CLUSTER_ID}/topics/${topic}/records`

/** A produce request over a real socket. */
function send(port: number, path: string, body: string, contentType: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, post(body, contentType))
}

function v2Body(values: readonly string[]): string {
  return JSON.stringify({ records: values.map((value) => ({ value: base64(value) })) })
}

/** v3 records, concatenated in one body as a streaming produce sends them. */
function v3Body(values: readonly string[], partition?: number): string {
  return values
    .map((value) =>
      JSON.stringify({ partition_id: partition, value: { type: 'STRING', data: value } }),
    )
    .join('\n')
}

function reportsOf(text: string): Report[] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Report)
}

/** The values stored in a partition, read back through the gateway. */
async function stored(gw: TestGateway, topic: string, partition: number): Promise<string[]> {
  const read = await gw.request(`/topics/${topic}/partitions/${partition}/records?offset=0`)
  expect(read.status).toBe(200)
  const records = (await read.json()) as { value: string }[]
  return records.map((record) => Buffer.from(record.value, 'base64').toString('utf8'))
}

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

/** Each way of writing acks, and the acks the leader is asked for. */
const spellings: readonly [query: string, acks: Acks][] = [
  ['?acks=all', Acks.All],
  ['?acks=-1', Acks.All],
  ['?acks=1', Acks.Leader],
  ['?acks=0', Acks.None],
  ['', Acks.All],
]

describe('the acks produce parameter', () => {
  test('every produce route takes 0, 1, all and -1, and sends its records with those acks', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 2)
    const port = await listen(gw)
    const routes = [
      { name: 'v2 topic', path: '/topics/t', body: v2Body, type: V2_BINARY },
      { name: 'v2 partition', path: '/topics/t/partitions/1', body: v2Body, type: V2_BINARY },
      { name: 'v3', path: v3Path('t'), body: v3Body, type: 'application/json' },
    ]
    const expected: string[] = []
    for (const route of routes) {
      for (const [query, acks] of spellings) {
        const values = [`${route.name} ${query} a`, `${route.name} ${query} b`]
        expected.push(...values)
        const before = gw.dataPlane.produced.length
        const response = await send(port, `${route.path}${query}`, route.body(values), route.type)
        expect(response.status, `${route.name} ${query}`).toBe(200)
        const offsets: (number | null | undefined)[] = route.path.startsWith('/v3')
          ? reportsOf(await response.text()).map((report) => {
              expect(report.error_code).toBe(200)
              return report.offset
            })
          : ((await response.json()) as { offsets: V2Offset[] }).offsets.map((entry) => {
              expect(entry.error_code).toBeNull()
              expect(entry.partition).not.toBeNull()
              return entry.offset
            })
        if (acks === Acks.None) expect(offsets).toEqual([null, null])
        else for (const offset of offsets) expect(offset).toEqual(expect.any(Number))
        await vi.waitFor(() =>
          expect(gw.dataPlane.produced.slice(before).flatMap((batch) => batch.values)).toHaveLength(
            2,
          ),
        )
        for (const batch of gw.dataPlane.produced.slice(before)) expect(batch.acks).toBe(acks)
      }
    }
    const all = [...(await stored(gw, 't', 0)), ...(await stored(gw, 't', 1))]
    expect(all.sort()).toEqual(expected.sort())
  })

  test("without the parameter the gateway's configured acks apply", async () => {
    const gw = startGateway({ config: { acks: Acks.Leader } })
    await gw.createTopic('t', 1)
    const v2 = await gw.request('/topics/t', post(v2Body(['a']), V2_BINARY))
    expect(v2.status).toBe(200)
    const v3 = await gw.request(v3Path('t'), post(v3Body(['b']), 'application/json'))
    expect(reportsOf(await v3.text())).toMatchObject([{ error_code: 200, offset: 1 }])
    const all = await gw.request('/topics/t?acks=all', post(v2Body(['c']), V2_BINARY))
    expect(all.status).toBe(200)
    expect(gw.dataPlane.produced.map((batch) => batch.acks)).toEqual([
      Acks.Leader,
      Acks.Leader,
      Acks.All,
    ])
  })

  test('any other value is refused in each API’s error format, and nothing is produced', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    for (const value of ['2', 'ALL', 'none', '1.0', '-2']) {
      const query = `?acks=${encodeURIComponent(value)}`
      for (const path of ['/topics/t', '/topics/t/partitions/0']) {
        const response = await gw.request(`${path}${query}`, post(v2Body(['x']), V2_BINARY))
        expect(response.status, `${path}${query}`).toBe(400)
        expect(response.headers.get('content-type')).toBe(V2)
        expect(await response.json()).toEqual({
          error_code: 400,
          message: `Query parameter acks must be 0, 1, all or -1, got ${JSON.stringify(value)}`,
        })
      }
      const v3 = await gw.request(`${v3Path('t')}${query}`, post(v3Body(['x']), 'application/json'))
      expect(v3.status).toBe(400)
      expect(v3.headers.get('content-type')).toBe('application/json')
      expect(await v3.json()).toEqual({
        error_code: 400,
        message: `Query parameter acks must be 0, 1, all or -1, got ${JSON.stringify(value)}`,
      })
    }
    expect(gw.dataPlane.arrived).toBe(0)
    expect(await stored(gw, 't', 0)).toEqual([])
  })

  test('acks=0 on v2 answers with null offsets before the leader has the records, which are then readable', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 3)
    const port = await listen(gw)
    const open = closeGate(gw)
    const values = ['zero-a', 'zero-b', 'zero-c']
    const response = await send(port, '/topics/t/partitions/2?acks=0', v2Body(values), V2_BINARY)
    // The leader (held at the gate) has appended nothing, yet the answer is here.
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      key_schema_id: null,
      value_schema_id: null,
      offsets: values.map(() => ({ partition: 2, offset: null, error_code: null, error: null })),
    })
    expect(gw.dataPlane.arrived).toBe(1)
    expect(gw.dataPlane.produced).toEqual([])
    open()
    await vi.waitFor(async () => expect(await stored(gw, 't', 2)).toEqual(values))
  })

  test('acks=0 on a streamed v3 produce reports every record with a null offset, and they are then readable', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 2)
    const port = await listen(gw)
    const open = closeGate(gw)
    const values = Array.from({ length: 20 }, (_, index) => `streamed-${index}`)
    const timestamp = '2026-01-02T03:04:05.006Z'
    const body = values
      .map((value) =>
        JSON.stringify({ partition_id: 1, value: { type: 'STRING', data: value }, timestamp }),
      )
      .join('')
    const response = await send(port, `${v3Path('t')}?acks=0`, body, 'application/json')
    expect(response.status).toBe(200)
    const reports = reportsOf(await response.text())
    expect(reports).toEqual(
      values.map(() => ({
        error_code: 200,
        cluster_id: CLUSTER_ID,
        topic_name: 't',
        partition_id: 1,
        offset: null,
        timestamp,
        value: { type: 'STRING', size: expect.any(Number) },
      })),
    )
    expect(gw.dataPlane.produced).toEqual([])
    open()
    await vi.waitFor(async () => expect(await stored(gw, 't', 1)).toEqual(values))
  })

  test('the OpenAPI document shows acks on every produce route', async () => {
    const gw = startGateway()
    const document = (await (await gw.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        { post?: { parameters?: { name: string; in: string; schema: unknown }[] } }
      >
    }
    for (const path of [
      '/topics/{topic}',
      '/topics/{topic}/partitions/{partition}',
      '/v3/clusters/{cluster_id}/topics/{topic_name}/records',
    ]) {
      const acks = document.paths[path]?.post?.parameters?.find((param) => param.name === 'acks')
      expect(acks, path).toMatchObject({
        in: 'query',
        schema: { type: 'string', enum: ['all', '-1', '1', '0'] },
      })
    }
  })
})
