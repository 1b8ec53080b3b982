#!/usr/bin/env node
/**
 * The controller process: reads its config, opens the embedded metadata log and election under
 * `<data-dir>/controller/`, campaigns, serves the controller API, and stops gracefully on
 * SIGTERM/SIGINT (stop accepting, finish the command in progress, resign, close the log, exit 0).
 */
import type { Server } from 'node:http'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '@tributary/storage'
import { pino } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { CONTROLLER_USAGE, type ControllerConfig, parseControllerConfig } from './config/index.ts'
import { Controller } from './controller/index.ts'
import { createApp } from './http/index.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 10_000
/** How often a stopping server closes the keep-alive connections that have gone idle. */
const IDLE_CLOSE_INTERVAL_MS = 50

function readConfig(): ControllerConfig {
  try {
    const parsed = parseControllerConfig(process.argv.slice(2), process.env)
    if (parsed.help) {
      process.stdout.write(`${CONTROLLER_USAGE}\n`)
      process.exit(0)
    }
    return parsed.config
  } catch (error) {
    process.stderr.write(`tributary-controller: ${(error as Error).message}\n${CONTROLLER_USAGE}\n`)
    process.exit(2)
  }
}

async function main(): Promise<void> {
  const config = readConfig()
  const logger = pino({
    level: config.logLevel,
    base: { service: 'controller', pid: process.pid },
  })
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    process.exit(1)
  })
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    process.exit(1)
  })

  const dir = join(config.dataDir, 'controller')
  const log = await EmbeddedMetadataLog.open({ dir, logger })
  const election = await EmbeddedControllerElection.open({ dir, logger })
  const controller = new Controller({
    log,
    election,
    nodeId: config.nodeId,
    logger,
    sessionTimeoutMs: config.sessionTimeoutMs,
  })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const app = createApp({ controller, logger, registry })

  controller.start()
  // Without TLS or HTTP/2 options, serve makes a plain node:http server.
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
    logger.info(
      { address: info.address, port: info.port, url: `http://${host}:${info.port}`, dataDir: dir },
      'controller listening',
    )
  }) as Server
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve the controller API')
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
    // Keep-alive connections go idle as their last request is answered (long-polls end when the
    // controller closes); close them as they do, so clients reconnect elsewhere at once.
    const idle = setInterval(() => server.closeIdleConnections(), IDLE_CLOSE_INTERVAL_MS)
    await controller.close()
    await closed
    clearInterval(idle)
    await election.close()
    await log.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

await main()
