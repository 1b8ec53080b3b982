#!/usr/bin/env node
/**
 * The broker process: reads its config (flags, then environment, then defaults), serves the
 * data plane and /health + /metrics, registers with the controller and follows its metadata,
 * and stops gracefully on SIGTERM or SIGINT (stop accepting, drain, close the logs, exit 0).
 */
import { hostname } from 'node:os'
import { HttpControllerClient, HttpMetadataReader } from '@tributary/cluster-client'
import { pino } from 'pino'
import { createBroker } from './app/index.ts'
import { BROKER_USAGE, type BrokerConfig, parseBrokerConfig } from './config/index.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 15_000

function readConfig(): BrokerConfig {
  try {
    const parsed = parseBrokerConfig(process.argv.slice(2), process.env, hostname())
    if (parsed.help) {
      process.stdout.write(`${BROKER_USAGE}\n`)
      process.exit(0)
    }
    return parsed.config
  } catch (error) {
    process.stderr.write(`tributary-broker: ${(error as Error).message}\n${BROKER_USAGE}\n`)
    process.exit(2)
  }
}

async function main(): Promise<void> {
  const config = readConfig()
  const logger = pino({
    level: config.logLevel,
    base: { service: 'broker', pid: process.pid },
  })
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    process.exit(1)
  })
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    process.exit(1)
  })

  const broker = createBroker({
    config,
    controller: new HttpControllerClient({ url: config.controllerUrl }),
    metadata: new HttpMetadataReader({ url: config.controllerUrl }),
    logger,
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'graceful stop took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))

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
