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
  HttpControllerClient,
  HttpMetadataReader,
  TcpDataPlaneConnector,
} from '@tributary/cluster-client'
import {
  type ControllerClient,
  type Logger,
  MetadataFollower,
  type MetadataImage,
  type MetadataReader,
} from '@tributary/core'
import { openNatsControlPlane } from '@tributary/nats'
import {
  closeHttpServer,
  createServiceLogger,
  exitOnUncaughtErrors,
  httpUrl,
  readConfig,
  stopOnSignals,
} from '@tributary/node-service'
import { createGatewayApp } from './app.ts'
import { GATEWAY_USAGE, type GatewayProcessConfig, parseGatewayArgs } from './config/args.ts'

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
    controlPlane = await openControlPlane(config, logger)
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

/** How the gateway reaches the controller and reads the metadata log. */
interface ControlPlane {
  readonly controller: ControllerClient
  readonly metadata: MetadataReader
  /** The latest metadata snapshot, to replay the log from (NATS only); undefined: from its start. */
  readonly initialImage?: MetadataImage | undefined
  /** For the 'listening' line: where the control plane is. */
  readonly where: Record<string, unknown>
  /** Closes what `openControlPlane` opened (after the gateway has stopped). */
  close(): Promise<void>
}

/** Over NATS (one connection for requests and the stream) with `--nats`; else over HTTP. */
async function openControlPlane(
  config: GatewayProcessConfig,
  logger: Logger,
): Promise<ControlPlane> {
  if (config.nats === null || config.clusterId === null) {
    return {
      controller: new HttpControllerClient({ url: config.controller }),
      metadata: new HttpMetadataReader({ url: config.controller, logger }),
      where: { controller: config.controller },
      close: async () => {},
    }
  }
  return openNatsControlPlane({
    servers: config.nats,
    clusterId: config.clusterId,
    name: 'tributary-gateway',
    logger,
  })
}

await main()
