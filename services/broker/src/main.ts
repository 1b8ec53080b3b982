#!/usr/bin/env node
/**
 * The broker process: reads its config (flags, then environment, then defaults), serves the
 * data plane and /health + /metrics, registers with the controller and follows its metadata,
 * and stops gracefully on SIGTERM or SIGINT (stop accepting, drain, close the logs, exit 0).
 */
import { hostname } from 'node:os'
import { HttpControllerClient, HttpMetadataReader } from '@tributary/cluster-client'
import {
  createServiceLogger,
  exitOnUncaughtErrors,
  readConfig,
  stopOnSignals,
} from '@tributary/node-service'
import { createBroker } from './app/index.ts'
import { BROKER_USAGE, parseBrokerConfig } from './config/index.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 15_000

async function main(): Promise<void> {
  const { config, exitCode } = readConfig({
    command: 'tributary-broker',
    usage: BROKER_USAGE,
    parse: () => parseBrokerConfig(process.argv.slice(2), process.env, hostname()),
    stdout: process.stdout,
    stderr: process.stderr,
  })
  if (config === undefined) process.exit(exitCode)
  const logger = createServiceLogger('broker', config.logLevel, process.pid)
  exitOnUncaughtErrors(logger, process)

  const broker = createBroker({
    config,
    controller: new HttpControllerClient({ url: config.controllerUrl }),
    metadata: new HttpMetadataReader({ url: config.controllerUrl }),
    logger,
  })

  // The broker logs its own 'broker stopped'.
  stopOnSignals({
    process,
    logger,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    stop: () => broker.stop(),
    logStopped: false,
    failureMessage: 'unclean stop',
  })

  try {
    const { dataPlane, http } = await broker.start()
    logger.info(
      {
        dataPlane: `${dataPlane.address}:${dataPlane.port}`,
        port: dataPlane.port,
        httpPort: http.port,
        http: `http://${http.address}:${http.port}`,
        advertised: `${config.advertisedHost}:${dataPlane.port}`,
        controller: config.controllerUrl,
        dataDir: config.dataDir,
      },
      'broker listening',
    )
  } catch (error) {
    logger.fatal({ err: error }, 'broker could not start')
    await broker.stop().catch(() => {})
    process.exit(1)
  }
}

await main()
