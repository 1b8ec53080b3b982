import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { MetadataFollower, type MetadataRecord } from '@tributary/core'
import { onTestFinished } from 'vitest'
import { createGatewayApp, type GatewayConfigInput } from '../../src/index.ts'
import { TestController } from './controller.ts'
import { LogDataPlane } from './log-data-plane.ts'
import { MemoryMetadataLog } from './memory-metadata-log.ts'

export const CLUSTER_ID = 'test-cluster-1'

/** The metadata records of a cluster with one unfenced broker, as the controller writes them. */
export function clusterRecords(brokerIds: readonly number[] = [1]): MetadataRecord[] {
  return [
    { type: 'cluster', clusterId: CLUSTER_ID },
    ...brokerIds.map(
      (brokerId): MetadataRecord => ({
        type: 'register-broker',
        brokerId,
        incarnationId: `broker-${brokerId}`,
        brokerEpoch: brokerId,
        endpoints: [{ name: 'client', host: '127.0.0.1', port: 9000 + brokerId }],
        rack: null,
        fenced: false,
      }),
    ),
  ]
}

export interface TestGateway {
  readonly app: ReturnType<typeof createGatewayApp>
  readonly log: MemoryMetadataLog
  readonly follower: MetadataFollower
  readonly controller: TestController
  readonly dataPlane: LogDataPlane
  request(path: string, init?: RequestInit): Promise<Response>
  createTopic(name: string, partitions?: number, configs?: Record<string, string>): Promise<void>
}

/**
 * A gateway over a real MetadataFollower (following a memory log that starts with a cluster and
 * one broker), the test controller and partition logs in a temp dir; torn down when the test ends.
 */
export function startGateway(
  options: { config?: GatewayConfigInput; maxMessageBytes?: number } = {},
): TestGateway {
  const log = new MemoryMetadataLog()
  log.append(clusterRecords())
  const follower = new MetadataFollower()
  follower.start(log)
  const controller = new TestController(log, () => follower.image)
  const dataPlane = new LogDataPlane(
    options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes },
  )
  const app = createGatewayApp({
    metadata: follower,
    controller,
    dataPlane,
    config: options.config ?? {},
    processMetrics: false,
  })
  onTestFinished(async () => {
    await app.close()
    follower.stop()
    await dataPlane.close()
  })
  return {
    app,
    log,
    follower,
    controller,
    dataPlane,
    request: async (path, init) => app.app.request(path, init),
    async createTopic(name, partitions = 1, configs = {}) {
      await controller.createTopic({ name, partitions, replicationFactor: 1, configs })
    },
  }
}

/** Serves a gateway on a real socket (127.0.0.1, a free port) until the test ends; its port. */
export function listen(gw: TestGateway): Promise<number> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: gw.app.fetch, port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => resolve(info.port),
    )
    onTestFinished(() => new Promise<void>((done) => server.close(() => done())))
  })
}

export const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
export const V2_JSON = 'application/vnd.kafka.json.v2+json'
export const V2 = 'application/vnd.kafka.v2+json'

export function base64(text: string): string {
  return Buffer.from(text).toString('base64')
}

/** A POST with a JSON body. */
export function post(
  body: unknown,
  contentType: string,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}
