#!/usr/bin/env node
/**
 * The gateway process: reads its config, follows the controller's metadata log, serves the REST
 * API, and stops gracefully on SIGTERM/SIGINT (stop accepting, answer what is in flight, send
 * the records already accepted, close the connections to brokers, drain the NATS connection,
 * exit 0).
 *
 * With `--nats` admin requests reach the active controller over NATS request/reply and the
 * metadata log is followed on its JetStream stream, both on one connection; without it, over the
 * controller's HTTP API.
 */
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import {
  type ControlPlane,
  openControlPlane,
  TcpDataPlaneConnector,
} from '@tributary/cluster-client'
import { MetadataFollower } from '@tributary/core'
import {
  closeHttpServer,
  createServiceLogger,
  exitOnUncaughtErrors,
  httpUrl,
  readConfig,
  stopOnSignals,
} from '@tributary/node-service'
import { createGatewayApp } from './app.ts'
import { GATEWAY_USAGE, parseGatewayArgs } from './config/args.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 15_000
/** How often a stopping server closes keep-alive connections that have gone idle. */
const IDLE_CLOSE_INTERVAL_MS = 50

async function main(): Promise<void> {
  const { config, exitCode } = readConfig({
    command: 'tributary-gateway',
    usage: GATEWAY_USAGE,
    parse: () => parseGatewayArgs(process.argv.slice(2), process.env),
    stdout: process.stdout,
    stderr: process.stderr,
  })
  if (config === undefined) process.exit(exitCode)
  const logger = createServiceLogger('gateway', config.logLevel, process.pid)
  exitOnUncaughtErrors(logger, process)

  let controlPlane: ControlPlane
  try {
    controlPlane = await openControlPlane({
      nats: config.nats,
      clusterId: config.clusterId,
      controllerUrl: config.controller,
      name: 'tributary-gateway',
      logger,
    })
  } catch (error) {
    logger.fatal({ err: error }, 'cannot reach the control plane')
    process.exit(1)
  }
  const follower = new MetadataFollower(controlPlane.initialImage)
  follower.start(controlPlane.metadata, (error) => {
    logger.error({ err: error }, 'the metadata log cannot be applied; restart the gateway')
  })
  const dataPlane = new TcpDataPlaneConnector({ logger })
  const gateway = createGatewayApp({
    metadata: follower,
    controller: controlPlane.controller,
    dataPlane,
    logger,
    config: config.gateway,
  })

  const server = serve(
    { fetch: gateway.fetch, port: config.port, hostname: config.host },
    (info) => {
      logger.info(
        {
          address: info.address,
          port: info.port,
          url: httpUrl(info),
          ...controlPlane.where,
        },
        'gateway listening',
      )
    },
  ) as Server
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve the REST API')
    process.exit(1)
  })

  stopOnSignals({
    process,
    logger,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    stop: async () => {
      await closeHttpServer(server, IDLE_CLOSE_INTERVAL_MS)
      await gateway.close()
      follower.stop()
      await dataPlane.close()
      await controlPlane.close()
    },
  })
}

await main()
