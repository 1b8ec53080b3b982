#!/usr/bin/env node
/**
 * The controller process: reads its config, opens the embedded metadata log and election under
 * `<data-dir>/controller/`, campaigns, serves the controller API, and stops gracefully on
 * SIGTERM/SIGINT (stop accepting, finish the command in progress, resign, close the log, exit 0).
 */
import type { Server } from 'node:http'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import {
  closeHttpServer,
  createServiceLogger,
  exitOnUncaughtErrors,
  httpUrl,
  readConfig,
  stopOnSignals,
} from '@tributary/node-service'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '@tributary/storage'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { CONTROLLER_USAGE, parseControllerConfig } from './config/index.ts'
import { Controller } from './controller/index.ts'
import { createApp } from './http/index.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 10_000
/** How often a stopping server closes the keep-alive connections that have gone idle. */
const IDLE_CLOSE_INTERVAL_MS = 50

async function main(): Promise<void> {
  const { config, exitCode } = readConfig({
    command: 'tributary-controller',
    usage: CONTROLLER_USAGE,
    parse: () => parseControllerConfig(process.argv.slice(2), process.env),
    stdout: process.stdout,
    stderr: process.stderr,
  })
  if (config === undefined) process.exit(exitCode)
  const logger = createServiceLogger('controller', config.logLevel, process.pid)
  exitOnUncaughtErrors(logger, process)

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
    logger.info(
      { address: info.address, port: info.port, url: httpUrl(info), dataDir: dir },
      'controller listening',
    )
  }) as Server
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve the controller API')
    process.exit(1)
  })

  stopOnSignals({
    process,
    logger,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    stop: async () => {
      // Keep-alive connections go idle as their last request is answered (long-polls end when
      // the controller closes); close them as they do, so clients reconnect elsewhere at once.
      const closed = closeHttpServer(server, IDLE_CLOSE_INTERVAL_MS)
      await controller.close()
      await closed
      await election.close()
      await log.close()
    },
  })
}

await main()
