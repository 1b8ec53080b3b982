#!/usr/bin/env node
/**
 * The gateway process: reads its config, follows the controller's metadata log, serves the REST
 * API, and stops gracefully on SIGTERM/SIGINT (stop accepting, answer what is in flight, send
 * the records already accepted, close the connections to brokers, exit 0).
 */
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import {
  HttpControllerClient,
  HttpMetadataReader,
  TcpDataPlaneConnector,
} from '@tributary/cluster-client'
import { MetadataFollower } from '@tributary/core'
import { pino } from 'pino'
import { createGatewayApp } from './app.ts'
import { GATEWAY_USAGE, type GatewayProcessConfig, parseGatewayArgs } from './config/args.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 15_000
/** How often a stopping server closes keep-alive connections that have gone idle. */
const IDLE_CLOSE_INTERVAL_MS = 50

function readConfig(): GatewayProcessConfig {
  try {
    const parsed = parseGatewayArgs(process.argv.slice(2), process.env)
    if (parsed.help) {
      process.stdout.write(`${GATEWAY_USAGE}\n`)
      process.exit(0)
    }
    return parsed.config
  } catch (error) {
    process.stderr.write(`tributary-gateway: ${(error as Error).message}\n${GATEWAY_USAGE}\n`)
    process.exit(2)
  }
}

async function main(): Promise<void> {
  const config = readConfig()
  const logger = pino({ level: config.logLevel, base: { service: 'gateway', pid: process.pid } })
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    process.exit(1)
  })
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    process.exit(1)
  })

  const follower = new MetadataFollower()
  follower.start(new HttpMetadataReader({ url: config.controller, logger }), (error) => {
    logger.error({ err: error }, 'the metadata log cannot be applied; restart the gateway')
  })
  const dataPlane = new TcpDataPlaneConnector({ logger })
  const gateway = createGatewayApp({
    metadata: follower,
    controller: new HttpControllerClient({ url: config.controller }),
    dataPlane,
    logger,
    config: config.gateway,
  })

  const server = serve(
    { fetch: gateway.fetch, port: config.port, hostname: config.host },
    (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
      logger.info(
        {
          address: info.address,
          port: info.port,
          url: `http://${host}:${info.port}`,
          controller: config.controller,
        },
        'gateway listening',
      )
    },
  ) as Server
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve the REST API')
    process.exit(1)
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'graceful stop took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    const idle = setInterval(() => server.closeIdleConnections(), IDLE_CLOSE_INTERVAL_MS)
    await closed
    clearInterval(idle)
    await gateway.close()
    follower.stop()
    await dataPlane.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

await main()
