import { Pool } from 'undici'
import { payload } from '../http-produce/tributary.ts'
import { type ConsumeSample, Progress } from './sample.ts'

const V2_JSON = 'application/vnd.kafka.v2+json'
const BINARY = 'application/vnd.kafka.binary.v2+json'
const PRODUCE_BATCH = 1000
const PRODUCE_IN_FLIGHT = 4

interface ConsumedRecord {
  readonly partition: number
  readonly offset: number
  readonly value: string | null
}

/** What each consumption measurement is set up with. */
export interface TributaryConsumeOptions {
  readonly group: string
  readonly consumers: number
  readonly maxBytes: number
  readonly pollTimeoutMs: number
}

/**
 * Tributary's side: one topic filled once through v2 produce (binary, keyless, spread over
 * the partitions), then, per measurement, a fresh group of v2 consumer instances (binary
 * format, earliest, auto commit off) that each poll `GET .../records` with a large `max_bytes`
 * and commit with an empty `POST .../offsets` after every poll that returned records, until
 * every record was seen.
 */
export class TributaryGroups {
  readonly #pool: Pool
  /** The next offset to produce, per partition, once `fill` ran. */
  #ends: number[] = []

  constructor(
    readonly url: string,
    readonly topic: string,
    readonly partitions: number,
  ) {
    this.#pool = new Pool(url, { connections: 16, pipelining: 1, keepAliveTimeout: 60_000 })
  }

  async #call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: object): Promise<unknown> {
    // v3 speaks application/json, v2 its own type.
    const type = path.startsWith('/v3/') ? 'application/json' : V2_JSON
    const response = await this.#pool.request({
      method,
      path,
      headers: { 'content-type': type, accept: type },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.body.text()
    if (response.statusCode >= 300) {
      throw new Error(`${method} ${path}: ${response.statusCode} ${text.slice(0, 300)}`)
    }
    return text === '' ? undefined : JSON.parse(text)
  }

  /** Creates the topic and produces `records` values of `valueBytes`; answers the log ends. */
  async fill(records: number, valueBytes: number): Promise<number[]> {
    const clusters = (await this.#call('GET', '/v3/clusters')) as { data: { cluster_id: string }[] }
    await this.#call('POST', `/v3/clusters/${clusters.data[0]?.cluster_id}/topics`, {
      topic_name: this.topic,
      partitions_count: this.partitions,
    })
    const value = Buffer.from(payload(valueBytes)).toString('base64')
    let sent = 0
    const worker = async (): Promise<void> => {
      while (sent < records) {
        const n = Math.min(PRODUCE_BATCH, records - sent)
        sent += n
        const response = await this.#pool.request({
          method: 'POST',
          path: `/topics/${this.topic}`,
          headers: { 'content-type': BINARY, accept: V2_JSON },
          body: JSON.stringify({ records: Array.from({ length: n }, () => ({ value })) }),
        })
        const text = await response.body.text()
        if (response.statusCode !== 200) throw new Error(`produce: ${response.statusCode} ${text}`)
      }
    }
    await Promise.all(Array.from({ length: PRODUCE_IN_FLIGHT }, worker))
    this.#ends = await Promise.all(
      Array.from({ length: this.partitions }, async (_, p) => {
        const offsets = (await this.#call(
          'GET',
          `/topics/${this.topic}/partitions/${p}/offsets`,
        )) as { end_offset: number }
        return offsets.end_offset
      }),
    )
    const total = this.#ends.reduce((a, b) => a + b, 0)
    if (total !== records) throw new Error(`produced ${records} records, the log holds ${total}`)
    return this.#ends
  }

  /** One measurement: a fresh group of `consumers` instances reads the whole topic once. */
  async consume(options: TributaryConsumeOptions, valueBytes: number): Promise<ConsumeSample> {
    const { group } = options
    const names = Array.from({ length: options.consumers }, (_, i) => `c${i}`)
    const paths = names.map((name) => `/consumers/${group}/instances/${name}`)
    // Not timed: creating the instances and subscribing them.
    for (const name of names) {
      await this.#call('POST', `/consumers/${group}`, {
        name,
        format: 'binary',
        'auto.offset.reset': 'earliest',
        'auto.commit.enable': 'false',
      })
    }
    await Promise.all(
      paths.map((path) => this.#call('POST', `${path}/subscription`, { topics: [this.topic] })),
    )
    const total = this.#ends.reduce((a, b) => a + b, 0)
    const progress = new Progress(total, valueBytes)
    const next = this.#ends.map(() => 0)
    const query = `timeout=${options.pollTimeoutMs}&max_bytes=${options.maxBytes}`
    let failed = false
    const member = async (path: string): Promise<void> => {
      while (!progress.finished && !failed) {
        const response = await this.#pool.request({
          method: 'GET',
          path: `${path}/records?${query}`,
          headers: { accept: BINARY },
        })
        const text = await response.body.text()
        if (response.statusCode !== 200) {
          throw new Error(`poll ${path}: ${response.statusCode} ${text.slice(0, 300)}`)
        }
        const records = JSON.parse(text) as ConsumedRecord[]
        if (records.length === 0) continue
        let fresh = 0
        for (const record of records) {
          // What a client does with a record: its bytes.
          if (record.value !== null) Buffer.from(record.value, 'base64')
          if (record.offset >= (next[record.partition] ?? 0)) {
            fresh++
            next[record.partition] = record.offset + 1
          }
        }
        progress.add(records.length, fresh)
        await this.#call('POST', `${path}/offsets`)
        progress.batch()
      }
    }
    try {
      await Promise.all(
        paths.map((path) =>
          member(path).catch((error: unknown) => {
            failed = true
            throw error
          }),
        ),
      )
      return progress.sample()
    } finally {
      await Promise.all(paths.map((path) => this.#call('DELETE', path).catch(() => undefined)))
    }
  }

  close(): Promise<void> {
    return this.#pool.close()
  }
}
