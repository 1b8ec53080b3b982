import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
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

export async function startCluster(gatewayConfig: GatewayConfigInput = {}): Promise<TestCluster> {
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
