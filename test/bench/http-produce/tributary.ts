import { Pool } from 'undici'
import { closedLoop, type LoadOptions, quantile, type Sample } from './load.ts'

export type EmbeddedFormat = 'binary' | 'json'

const CONTENT_TYPE: Record<EmbeddedFormat, string> = {
  binary: 'application/vnd.kafka.binary.v2+json',
  json: 'application/vnd.kafka.json.v2+json',
}
const BINARY_ACCEPT = 'application/vnd.kafka.binary.v2+json'

/** Bytes that do not compress or repeat trivially; the same for every system. */
export function payload(valueBytes: number): Uint8Array {
  let x = 0x9e3779b9
  return Uint8Array.from({ length: valueBytes }, () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x & 0xff
  })
}

/** A JSON object whose serialized form is exactly `valueBytes` long. */
function jsonValue(valueBytes: number): object {
  const skeleton = JSON.stringify({ id: 12345, kind: 'bench', payload: '' })
  const fill = Buffer.from(payload(valueBytes)).toString('base64')
  return {
    id: 12345,
    kind: 'bench',
    payload: fill.slice(0, Math.max(0, valueBytes - skeleton.length)),
  }
}

/** A v2 produce body of `records` keyless records (the gateway spreads them round robin). */
export function produceBody(valueBytes: number, records: number, format: EmbeddedFormat): string {
  const value =
    format === 'binary'
      ? Buffer.from(payload(valueBytes)).toString('base64')
      : jsonValue(valueBytes)
  return JSON.stringify({ records: Array.from({ length: records }, () => ({ value })) })
}

export class TributaryClient {
  readonly pool: Pool
  #firstError: string | undefined

  constructor(
    readonly url: string,
    connections: number,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 })
  }

  async call(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    const response = await this.pool.request({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.body.text()
    if (response.statusCode >= 300)
      throw new Error(`${method} ${path}: ${response.statusCode} ${text}`)
    return JSON.parse(text)
  }

  async createTopic(name: string, partitions: number): Promise<void> {
    const clusters = (await this.call('GET', '/v3/clusters')) as { data: { cluster_id: string }[] }
    const id = clusters.data[0]?.cluster_id
    await this.call('POST', `/v3/clusters/${id}/topics`, {
      topic_name: name,
      partitions_count: partitions,
    })
  }

  /** Produce with `options.concurrency` connections, each with one request at a time. */
  produce(
    options: LoadOptions,
    topic: string,
    body: string,
    records: number,
    format: EmbeddedFormat,
  ): Promise<Sample> {
    const headers = {
      'content-type': CONTENT_TYPE[format],
      accept: 'application/vnd.kafka.v2+json',
    }
    const path = `/topics/${topic}`
    return closedLoop(options, async () => {
      const response = await this.pool.request({ method: 'POST', path, headers, body })
      const text = await response.body.text()
      if (response.statusCode === 200) return records
      this.#firstError ??= `${response.statusCode} ${text.slice(0, 300)}`
      return 0
    })
  }

  /**
   * Reads one partition sequentially from offset 0, one request at a time, until the end or the
   * time is up. Latency is per read request.
   */
  async read(
    topic: string,
    partition: number,
    valueBytes: number,
    maxBytes: number,
    measureMs: number,
  ): Promise<Sample> {
    const latencies: number[] = []
    let offset = 0
    let errors = 0
    const start = performance.now()
    while (performance.now() - start < measureMs) {
      const sent = performance.now()
      const response = await this.pool.request({
        method: 'GET',
        path: `/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_bytes=${maxBytes}&timeout=0`,
        headers: { accept: BINARY_ACCEPT },
      })
      const text = await response.body.text()
      latencies.push(performance.now() - sent)
      if (response.statusCode !== 200) {
        errors++
        this.#firstError ??= `read ${response.statusCode} ${text.slice(0, 300)}`
        break
      }
      const records = JSON.parse(text) as { offset: number }[]
      const last = records.at(-1)
      if (last === undefined) break
      offset = last.offset + 1
    }
    const seconds = (performance.now() - start) / 1000
    const sorted = Float64Array.from(latencies).sort()
    return {
      recordsPerSec: offset / seconds,
      bytesPerSec: (offset * valueBytes) / seconds,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      errors,
    }
  }

  takeError(): string | undefined {
    const error = this.#firstError
    this.#firstError = undefined
    return error
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
