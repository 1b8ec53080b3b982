import { request as httpRequest } from 'node:http'
import { partitionForKey } from '@tributary/core'
import { describe, expect, test } from 'vitest'
import {
  base64,
  CLUSTER_ID,
  listen,
  post,
  startGateway,
  type TestGateway,
} from './helpers/gateway.ts'

const path = (topic: string) => `/v3/clusters/${CLUSTER_ID}/topics/${topic}/records`

interface Report {
  error_code: number
  message?: string
  cluster_id?: string
  topic_name?: string
  partition_id?: number
  offset?: number | null
  timestamp?: string
  key?: { type: string; size: number }
  value?: { type: string; size: number }
}

function reportsOf(text: string): Report[] {
  expect(text.endsWith('\r\n')).toBe(true)
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Report)
}

async function produce(
  gw: TestGateway,
  topic: string,
  body: string,
  query = '',
): Promise<Report[]> {
  const response = await gw.request(`${path(topic)}${query}`, post(body, 'application/json'))
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('application/json')
  return reportsOf(await response.text())
}

describe('v3 produce, one request at a time', () => {
  test('a record with typed key and value, headers, partition and timestamp, and its delivery report', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 3)
    const record = {
      partition_id: 2,
      headers: [
        { name: 'trace', value: base64('abc') },
        { name: 'none', value: null },
      ],
      key: { type: 'STRING', data: 'user-1' },
      value: { type: 'JSON', data: { amount: 5 } },
      timestamp: '2026-03-04T05:06:07.089Z',
    }
    const [report] = await produce(gw, 't', JSON.stringify(record))
    expect(report).toEqual({
      error_code: 200,
      cluster_id: CLUSTER_ID,
      topic_name: 't',
      partition_id: 2,
      offset: 0,
      timestamp: '2026-03-04T05:06:07.089Z',
      key: { type: 'STRING', size: 6 },
      value: { type: 'JSON', size: 12 },
    })
    const read = await gw.request('/topics/t/partitions/2/records?offset=0')
    expect(await read.json()).toEqual([
      {
        topic: 't',
        key: base64('user-1'),
        value: base64('{"amount":5}'),
        partition: 2,
        offset: 0,
        timestamp: Date.parse('2026-03-04T05:06:07.089Z'),
        headers: [
          { name: 'trace', value: base64('abc') },
          { name: 'none', value: null },
        ],
      },
    ])
  })

  test('keys pick the murmur2 partition; a BINARY key hashes its bytes', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 7)
    const keys = ['a', 'b', 'order-17', 'é']
    const body = keys
      .map((key) =>
        JSON.stringify({
          key: { type: 'BINARY', data: base64(key) },
          value: { type: 'STRING', data: key },
        }),
      )
      .join('')
    const reports = await produce(gw, 't', body)
    expect(reports.map((report) => report.partition_id)).toEqual(
      keys.map((key) => partitionForKey(new TextEncoder().encode(key), 7)),
    )
    expect(
      reports.every((report) => report.error_code === 200 && report.key?.type === 'BINARY'),
    ).toBe(true)
  })

  test('per-record failures are reports; the records around them are written', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    const body = [
      { value: { type: 'STRING', data: 'first' } },
      { value: { type: 'AVRO', data: {} } },
      { value: { type: 'BINARY', data: 'not base64!' } },
      { partition_id: 4, value: { type: 'STRING', data: 'x' } },
      { value: { type: 'STRING', data: 7 } },
      { value: { type: 'STRING', data: 'last' } },
    ]
      .map((record) => JSON.stringify(record))
      .join('\n')
    const reports = await produce(
      gw,
      't',
      `${body}\n{"value": oops}\n{"value":{"type":"STRING","data":"after"}}`,
    )
    expect(reports.map((report) => report.error_code)).toEqual([
      200, 42206, 42207, 40403, 422, 200, 400, 200,
    ])
    expect(reports.map((report) => report.offset ?? null)).toEqual([
      0,
      null,
      null,
      null,
      null,
      1,
      null,
      2,
    ])
    expect(reports[6]?.message).toMatch(/JSON/)
  })

  test('a JSON array of records is a stream too; a broken stream ends with a 400 report', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    const record = (data: string) => ({ value: { type: 'STRING', data } })
    const array = await produce(gw, 't', JSON.stringify([record('a'), record('b')]))
    expect(array.map((report) => report.offset)).toEqual([0, 1])
    const broken = await produce(
      gw,
      't',
      `${JSON.stringify(record('c'))} , ${JSON.stringify(record('d'))}`,
    )
    expect(broken.map((report) => report.error_code)).toEqual([200, 400])
    expect(broken[1]?.message).toMatch(/Unexpected character ','/)
  })

  test('async=true reports 202 with no offset, and the record is written afterwards', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    const [report] = await produce(
      gw,
      't',
      JSON.stringify({ value: { type: 'STRING', data: 'x' } }),
      '?async=true',
    )
    expect(report).toMatchObject({ error_code: 202, partition_id: 0, offset: null })
    await gw.app.close()
    expect(gw.dataPlane.produced.map((batch) => batch.records)).toEqual([1])
  })
})

describe('v3 produce, streaming over a real connection', () => {
  test('reports come back in order, each before the request body has ended, whatever the chunking', async () => {
    const gw = startGateway()
    await gw.createTopic('stream', 4)
    const port = await listen(gw)
    const records = Array.from({ length: 12 }, (_, index) =>
      JSON.stringify({
        key: { type: 'STRING', data: `k${index % 5}` },
        value: { type: 'STRING', data: `välue {${index}} "quoted" 👋` },
      }),
    )
    const request = httpRequest({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: path('stream'),
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    })
    const reports: Report[] = []
    let buffered = ''
    let waiting: (() => void) | undefined
    const done = new Promise<number>((resolve, reject) => {
      request.on('error', reject)
      request.on('response', (response) => {
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          buffered += chunk
          let end = buffered.indexOf('\r\n')
          while (end >= 0) {
            reports.push(JSON.parse(buffered.slice(0, end)) as Report)
            buffered = buffered.slice(end + 2)
            end = buffered.indexOf('\r\n')
          }
          waiting?.()
        })
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
    })
    const reportsReach = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (reports.length >= count) {
            waiting = undefined
            resolve()
          } else waiting = check
        }
        check()
      })
    // Each record goes out cut at a different awkward place (inside a string, inside the
    // multi-byte emoji), and the next is only sent once the previous one's report is back.
    for (const [index, record] of records.entries()) {
      const bytes = Buffer.from(`${record}${index % 2 === 0 ? '\n' : ''}`)
      const cut = 1 + ((index * 7) % (bytes.length - 1))
      request.write(bytes.subarray(0, cut))
      if (index === 0) request.flushHeaders()
      request.write(bytes.subarray(cut))
      await reportsReach(index + 1)
    }
    request.end()
    expect(await done).toBe(200)
    expect(reports.map((report) => report.error_code)).toEqual(records.map(() => 200))
    const next = new Map<number, number>()
    for (const [index, report] of reports.entries()) {
      const partition = partitionForKey(new TextEncoder().encode(`k${index % 5}`), 4)
      expect(report.partition_id).toBe(partition)
      expect(report.offset).toBe(next.get(partition) ?? 0)
      next.set(partition, (next.get(partition) ?? 0) + 1)
    }
  })

  test('a burst of records in one body gets every report, in request order', async () => {
    const gw = startGateway({ config: { maxInFlightPerPartition: 1 } })
    await gw.createTopic('burst', 2)
    const port = await listen(gw)
    const body = Array.from({ length: 500 }, (_, index) =>
      JSON.stringify({ partition_id: index % 2, value: { type: 'STRING', data: `${index}` } }),
    ).join('')
    const response = await fetch(`http://127.0.0.1:${port}${path('burst')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    const reports = reportsOf(await response.text())
    expect(reports).toHaveLength(500)
    expect(reports.map((report) => report.offset)).toEqual(
      reports.map((_, index) => Math.floor(index / 2)),
    )
    // Coalesced: far fewer batches than records.
    expect(gw.dataPlane.produced.length).toBeLessThan(100)
  })
})
