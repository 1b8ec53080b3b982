#!/usr/bin/env node
/**
 * The broker process: reads its config (flags, then environment, then defaults), serves the
 * data plane and /health + /metrics, registers with the controller and follows its metadata,
 * and stops gracefully on SIGTERM or SIGINT (stop accepting, drain, close the logs, drain the
 * NATS connection, exit 0).
 *
 * With `--nats` the controller is reached over NATS request/reply and the metadata log is read
 * from its JetStream stream, both on one connection; without it, over the controller's HTTP API.
 */
import { hostname } from 'node:os'
import { type ControlPlane, openControlPlane } from '@tributary/cluster-client'
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

  let controlPlane: ControlPlane
  try {
    controlPlane = await openControlPlane({
      nats: config.nats,
      clusterId: config.clusterId,
      controllerUrl: config.controllerUrl,
      name: `tributary-broker-${config.brokerId}`,
      logger,
    })
  } catch (error) {
    logger.fatal({ err: error }, 'cannot reach the control plane')
    process.exit(1)
  }
  const broker = createBroker({
    config,
    controller: controlPlane.controller,
    metadata: controlPlane.metadata,
    ...(controlPlane.initialImage === undefined ? {} : { initialImage: controlPlane.initialImage }),
    logger,
  })

  // The broker logs its own 'broker stopped'.
  stopOnSignals({
    process,
    logger,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    stop: async () => {
      await broker.stop()
      await controlPlane.close()
    },
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
        ...controlPlane.where,
        dataDir: config.dataDir,
      },
      'broker listening',
    )
  } catch (error) {
    logger.fatal({ err: error }, 'broker could not start')
    await broker.stop().catch(() => {})
    await controlPlane.close().catch(() => {})
    process.exit(1)
  }
}

await main()
