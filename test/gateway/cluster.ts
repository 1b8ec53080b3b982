import { mkdtempSync, rmSync } from 'node:fs'
import { request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { createBroker } from '@tributary/broker'
import {
  HttpControllerClient,
  HttpMetadataReader,
  TcpDataPlaneConnector,
} from '@tributary/cluster-client'
import { Controller, createApp as createControllerApp } from '@tributary/controller'
import { MetadataFollower } from '@tributary/core'
import { createGatewayApp, type GatewayConfigInput } from '@tributary/gateway'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '@tributary/storage'

/**
 * A whole cluster in this process, wired as separate processes would be: the real controller
 * serving its HTTP API on a free port, a real broker registered with it and serving its data
 * plane over TCP, and the gateway reaching both through @tributary/cluster-client's HTTP and TCP
 * clients, serving the REST API on a free port. Each test gets its own, in its own directory.
 */
export interface TestCluster {
  /** The gateway's base URL. */
  readonly url: string
  readonly clusterId: string
  readonly gateway: ReturnType<typeof createGatewayApp>
  close(): Promise<void>
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    ) as Server
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Broker settings a test may change, e.g. short session-timeout bounds for group tests. */
export type BrokerOverrides = Partial<Parameters<typeof createBroker>[0]['config']>

export async function startCluster(
  gatewayConfig: GatewayConfigInput = {},
  brokerOverrides: BrokerOverrides = {},
): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-gateway-e2e-'))
  const controllerDir = join(dir, 'controller')
  const log = await EmbeddedMetadataLog.open({ dir: controllerDir })
  const election = await EmbeddedControllerElection.open({ dir: controllerDir })
  const controller = new Controller({ log, election, nodeId: 'controller-1' })
  controller.start()
  await controller.whenActive()
  const controllerHttp = await listen(createControllerApp({ controller }).fetch)
  const controllerUrl = `http://127.0.0.1:${controllerHttp.port}`

  const broker = createBroker({
    config: {
      brokerId: 1,
      dataDir: dir,
      host: '127.0.0.1',
      advertisedHost: '127.0.0.1',
      port: 0,
      httpPort: 0,
      heartbeatIntervalMs: 200,
      retentionCheckIntervalMs: 60_000,
      flushMode: 'os',
      ...brokerOverrides,
    },
    controller: new HttpControllerClient({ url: controllerUrl }),
    metadata: new HttpMetadataReader({ url: controllerUrl, pollWaitMs: 200 }),
  })
  await broker.start()
  await broker.session.registered

  const follower = new MetadataFollower()
  follower.start(new HttpMetadataReader({ url: controllerUrl, pollWaitMs: 200 }))
  await new Promise<void>((resolve) => {
    const ready = () =>
      follower.image.brokers.some((candidate) => candidate.brokerId === 1 && !candidate.fenced)
    if (ready()) return resolve()
    const stop = follower.onApplied(() => {
      if (!ready()) return
      stop()
      resolve()
    })
  })
  const dataPlane = new TcpDataPlaneConnector()
  const gateway = createGatewayApp({
    metadata: follower,
    controller: new HttpControllerClient({ url: controllerUrl }),
    dataPlane,
    config: gatewayConfig,
    processMetrics: false,
  })
  const gatewayHttp = await listen(gateway.fetch)
  return {
    url: `http://127.0.0.1:${gatewayHttp.port}`,
    clusterId: follower.image.clusterId ?? '',
    gateway,
    async close() {
      await closeServer(gatewayHttp.server)
      await gateway.close()
      follower.stop()
      await dataPlane.close()
      await broker.stop()
      await closeServer(controllerHttp.server)
      await controller.close()
      await election.close()
      await log.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/*
 * A small REST client for the consumer suites, written from the REST Proxy's documentation.
 */

export const V2 = 'application/vnd.kafka.v2+json'
export const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
export const V2_JSON = 'application/vnd.kafka.json.v2+json'

export const b64 = (text: string) => Buffer.from(text).toString('base64')
export const unb64 = (text: unknown) =>
  typeof text === 'string' ? Buffer.from(text, 'base64').toString() : null

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON the tests index freely
export interface Reply<T = any> {
  readonly status: number
  readonly type: string | null
  readonly body: T
}

/** One call to the gateway; `json` is the body, sent as `type` (default the v2 control type). */
// biome-ignore lint/suspicious/noExplicitAny: as Reply
export async function rest<T = any>(
  cluster: TestCluster,
  path: string,
  init: { method?: string; json?: unknown; type?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers = new Headers(init.headers)
  if (init.json !== undefined) headers.set('content-type', init.type ?? V2)
  const response = await fetch(`${cluster.url}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: text.length > 0 ? JSON.parse(text) : undefined,
  }
}

/** A GET with a JSON body (the REST Proxy's `GET .../offsets`), which fetch() cannot send. */
// biome-ignore lint/suspicious/noExplicitAny: as Reply
export function getWithBody<T = any>(url: string, body: unknown): Promise<Reply<T>> {
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { 'content-type': V2, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString()
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'] ?? null,
            body: text.length > 0 ? JSON.parse(text) : undefined,
          })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Creates a topic through v3; throws unless 201. */
export async function createTopic(cluster: TestCluster, name: string, partitions: number) {
  const reply = await rest(cluster, `/v3/clusters/${cluster.clusterId}/topics`, {
    json: { topic_name: name, partitions_count: partitions, replication_factor: 1 },
    type: 'application/json',
  })
  if (reply.status !== 201)
    throw new Error(`create topic: ${reply.status} ${JSON.stringify(reply.body)}`)
}

/** Produces binary records through v2; the offsets, in order. */
export async function produce(
  cluster: TestCluster,
  topic: string,
  records: readonly { key?: string; value: string; partition?: number }[],
): Promise<{ partition: number; offset: number }[]> {
  const reply = await rest(cluster, `/topics/${topic}`, {
    type: V2_BINARY,
    json: {
      records: records.map((record) => ({
        key: record.key === undefined ? null : b64(record.key),
        value: b64(record.value),
        ...(record.partition === undefined ? {} : { partition: record.partition }),
      })),
    },
  })
  if (reply.status !== 200)
    throw new Error(`produce: ${reply.status} ${JSON.stringify(reply.body)}`)
  return reply.body.offsets
}

export interface Consumed {
  readonly topic: string
  readonly key: unknown
  readonly value: unknown
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly headers: { name: string; value: string | null }[]
}

/** A v2 consumer instance, called through the path its base_uri names. */
export class TestConsumer {
  constructor(
    readonly cluster: TestCluster,
    readonly group: string,
    readonly id: string,
    readonly baseUri: string,
  ) {}

  /** `POST /consumers/{group}`; throws unless 200. */
  static async create(cluster: TestCluster, group: string, config: object = {}) {
    const reply = await rest(cluster, `/consumers/${group}`, { json: config })
    if (reply.status !== 200)
      throw new Error(`create: ${reply.status} ${JSON.stringify(reply.body)}`)
    return new TestConsumer(cluster, group, reply.body.instance_id, reply.body.base_uri)
  }

  get path(): string {
    return `/consumers/${this.group}/instances/${this.id}`
  }

  call(sub: string, init: Parameters<typeof rest>[2] = {}): Promise<Reply> {
    return rest(this.cluster, `${this.path}${sub}`, init)
  }

  async subscribe(topics: string[]): Promise<void> {
    expectStatus(await this.call('/subscription', { json: { topics } }), 204)
  }

  async assign(partitions: { topic: string; partition: number }[]): Promise<void> {
    expectStatus(await this.call('/assignments', { json: { partitions } }), 204)
  }

  /** One records read; throws unless 200. */
  async records(
    query: { timeout?: number; max_bytes?: number } = {},
    accept = V2_BINARY,
  ): Promise<Consumed[]> {
    const params = new URLSearchParams(
      Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
    )
    const reply = await this.call(`/records?${params}`, { headers: { accept } })
    expectStatus(reply, 200)
    return reply.body
  }

  /** Reads until `count` records came (or `attempts` reads were made). */
  async recordsUntil(count: number, accept = V2_BINARY, attempts = 50): Promise<Consumed[]> {
    const out: Consumed[] = []
    for (let i = 0; i < attempts && out.length < count; i++) {
      out.push(...(await this.records({ timeout: 500 }, accept)))
    }
    return out
  }

  async assignments(): Promise<{ topic: string; partition: number }[]> {
    const reply = await this.call('/assignments')
    expectStatus(reply, 200)
    return reply.body.partitions
  }

  /** The committed offsets of `partitions` (a GET with a body). */
  async committed(partitions: { topic: string; partition: number }[]) {
    const reply = await getWithBody(`${this.baseUri}/offsets`, { partitions })
    expectStatus(reply, 200)
    return reply.body.offsets as {
      topic: string
      partition: number
      offset: number
      metadata: string
    }[]
  }
}

function expectStatus(reply: Reply, status: number): void {
  if (reply.status !== status) {
    throw new Error(`expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`)
  }
}
