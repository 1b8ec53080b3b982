import { request } from 'node:http'

/**
 * A small REST Proxy client for the cross-service suites, written from the Confluent REST Proxy's
 * documentation (paths, media types, bodies), not from the gateway's code.
 */

export const V2 = 'application/vnd.kafka.v2+json'
export const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
export const V2_JSON = 'application/vnd.kafka.json.v2+json'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON the tests index freely
export interface Reply<T = any> {
  readonly status: number
  readonly body: T
}

export const b64 = (text: string) => Buffer.from(text).toString('base64')
export const unb64 = (text: string | null) =>
  text === null ? null : Buffer.from(text, 'base64').toString()

/** One HTTP call; `json` is sent as the body with `contentType` (default the v2 control type). */
// biome-ignore lint/suspicious/noExplicitAny: as Reply
export async function call<T = any>(
  url: string,
  init: RequestInit & { json?: unknown; contentType?: string } = {},
): Promise<Reply<T>> {
  const headers = new Headers(init.headers)
  let body = init.body
  if (init.json !== undefined) {
    body = JSON.stringify(init.json)
    if (!headers.has('content-type')) headers.set('content-type', init.contentType ?? V2)
  }
  const response = await fetch(url, { ...init, headers, body })
  const text = await response.text()
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined }
}

export interface ConsumedRecord {
  readonly topic: string
  readonly key: string | null
  readonly value: string | null
  readonly partition: number
  readonly offset: number
}

/** A REST Proxy v2 consumer instance, addressed by the base_uri its creation returned. */
export class RestConsumer {
  constructor(
    readonly baseUri: string,
    readonly instanceId: string,
  ) {}

  /** `POST /consumers/{group}` at `gateway`; throws unless 200. */
  static async create(gateway: string, group: string, config: object): Promise<RestConsumer> {
    const reply = await call(`${gateway}/consumers/${group}`, { method: 'POST', json: config })
    if (reply.status !== 200) {
      throw new Error(`create consumer: ${reply.status} ${JSON.stringify(reply.body)}`)
    }
    return new RestConsumer(reply.body.base_uri, reply.body.instance_id)
  }

  /** The same instance through another gateway (the base_uri's path on another origin). */
  via(gateway: string): RestConsumer {
    return new RestConsumer(`${gateway}${new URL(this.baseUri).pathname}`, this.instanceId)
  }

  subscribe(topics: string[]): Promise<Reply> {
    return call(`${this.baseUri}/subscription`, { method: 'POST', json: { topics } })
  }

  /** `GET records` in the binary format; throws unless 200. */
  async poll(timeoutMs = 1000, maxBytes?: number): Promise<ConsumedRecord[]> {
    const query = `timeout=${timeoutMs}${maxBytes === undefined ? '' : `&max_bytes=${maxBytes}`}`
    const reply = await call(`${this.baseUri}/records?${query}`, {
      headers: { accept: V2_BINARY },
    })
    if (reply.status !== 200) {
      throw new Error(`poll: ${reply.status} ${JSON.stringify(reply.body)}`)
    }
    return reply.body
  }

  pollRaw(timeoutMs = 1000): Promise<Reply> {
    return call(`${this.baseUri}/records?timeout=${timeoutMs}`, {
      headers: { accept: V2_BINARY },
    })
  }

  /** Commits: every record delivered so far (no body), or the listed records' offsets. */
  commit(offsets?: { topic: string; partition: number; offset: number }[]): Promise<Reply> {
    return offsets === undefined
      ? call(`${this.baseUri}/offsets`, { method: 'POST', headers: { 'content-type': V2 } })
      : call(`${this.baseUri}/offsets`, { method: 'POST', json: { offsets } })
  }

  /** `GET offsets` (a GET with a JSON body, as the REST Proxy documents it). */
  async committed(
    partitions: { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; offset: number }[]> {
    const reply = await getWithBody(`${this.baseUri}/offsets`, { partitions })
    if (reply.status !== 200)
      throw new Error(`offsets: ${reply.status} ${JSON.stringify(reply.body)}`)
    return reply.body.offsets
  }

  async assignments(): Promise<{ topic: string; partition: number }[]> {
    const reply = await call(`${this.baseUri}/assignments`)
    if (reply.status !== 200) {
      throw new Error(`assignments: ${reply.status} ${JSON.stringify(reply.body)}`)
    }
    return reply.body.partitions
  }

  delete(): Promise<Reply> {
    return call(this.baseUri, { method: 'DELETE', headers: { 'content-type': V2 } })
  }
}

/**
 * A GET with a JSON body, which fetch() refuses to send; the REST Proxy's `GET …/offsets` takes
 * one (curl and most HTTP clients send it without complaint).
 */
export function getWithBody(url: string, json: unknown): Promise<Reply> {
  const payload = JSON.stringify(json)
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { 'content-type': V2, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            body: text.length > 0 ? JSON.parse(text) : undefined,
          }),
        )
        res.on('error', fail)
      },
    )
    req.on('error', fail)
    req.end(payload)
  })
}

/** Produces `values` (keyless) to one partition with the v2 binary format; returns the offsets. */
export async function produceTo(
  gateway: string,
  topic: string,
  partition: number,
  values: string[],
): Promise<number[]> {
  const reply = await call(`${gateway}/topics/${topic}/partitions/${partition}`, {
    method: 'POST',
    contentType: V2_BINARY,
    json: { records: values.map((value) => ({ value: b64(value) })) },
  })
  if (reply.status !== 200)
    throw new Error(`produce: ${reply.status} ${JSON.stringify(reply.body)}`)
  return reply.body.offsets.map((entry: { offset: number }) => entry.offset)
}

/** Creates a topic through v3; throws unless 201. */
export async function createTopic(gateway: string, name: string, partitions: number) {
  const clusters = await call(`${gateway}/v3/clusters`)
  const clusterId = clusters.body.data[0].cluster_id as string
  const reply = await call(`${gateway}/v3/clusters/${clusterId}/topics`, {
    method: 'POST',
    contentType: 'application/json',
    json: { topic_name: name, partitions_count: partitions },
  })
  if (reply.status !== 201)
    throw new Error(`create topic: ${reply.status} ${JSON.stringify(reply.body)}`)
}

/** Polls until `condition` holds, failing after `timeoutMs` (a bound, not a timing claim). */
export async function eventually<T>(
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await condition()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
