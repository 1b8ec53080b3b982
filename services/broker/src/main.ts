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
import { HttpControllerClient, HttpMetadataReader } from '@tributary/cluster-client'
import type { ControllerClient, Logger, MetadataImage, MetadataReader } from '@tributary/core'
import { openNatsControlPlane } from '@tributary/nats'
import {
  createServiceLogger,
  exitOnUncaughtErrors,
  readConfig,
  stopOnSignals,
} from '@tributary/node-service'
import { createBroker } from './app/index.ts'
import { BROKER_USAGE, type BrokerConfig, parseBrokerConfig } from './config/index.ts'

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
    controlPlane = await openControlPlane(config, logger)
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

/** How the broker reaches the controller and reads the metadata log. */
interface ControlPlane {
  readonly controller: ControllerClient
  readonly metadata: MetadataReader
  /** The latest metadata snapshot to follow from (NATS only); undefined: the log's start. */
  readonly initialImage?: MetadataImage | undefined
  /** For the 'listening' line: where the control plane is. */
  readonly where: Record<string, unknown>
  /** Closes what `openControlPlane` opened (after the broker has stopped). */
  close(): Promise<void>
}

/** Over NATS (one connection for requests and the stream) with `--nats`; else over HTTP. */
async function openControlPlane(config: BrokerConfig, logger: Logger): Promise<ControlPlane> {
  if (config.nats === null || config.clusterId === null) {
    return {
      controller: new HttpControllerClient({ url: config.controllerUrl }),
      metadata: new HttpMetadataReader({ url: config.controllerUrl }),
      where: { controller: config.controllerUrl },
      close: async () => {},
    }
  }
  return openNatsControlPlane({
    servers: config.nats,
    clusterId: config.clusterId,
    name: `tributary-broker-${config.brokerId}`,
    logger,
  })
}

await main()
