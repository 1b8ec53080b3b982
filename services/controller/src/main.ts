#!/usr/bin/env node
/**
 * The controller process: reads its config, opens the metadata log and the election (on NATS
 * with `--nats`, else embedded under `<data-dir>/controller/`), campaigns, serves the controller
 * API, and stops gracefully on SIGTERM/SIGINT (stop accepting, finish the command in progress,
 * resign, close the log, drain the NATS connection, exit 0).
 *
 * With `--nats` the active controller, and only it, answers controller requests over NATS
 * request/reply (`serveController`, started and stopped as it wins and loses the lease); every
 * controller keeps its HTTP port for /health, /metrics and the HTTP API.
 */
import type { Server } from 'node:http'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { NatsConnection } from '@nats-io/transport-node'
import type {
  ControllerElection,
  Logger,
  MetadataImage,
  MetadataLog,
  MetadataSnapshotStore,
} from '@tributary/core'
import {
  type ControllerServer,
  connectNats,
  latestImage,
  NatsControllerElection,
  NatsMetadataLog,
  NatsSnapshotStore,
  serveController,
} from '@tributary/nats'
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
import { CONTROLLER_USAGE, type ControllerConfig, parseControllerConfig } from './config/index.ts'
import { Controller } from './controller/index.ts'
import { createApp } from './http/index.ts'

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 10_000
/** How often a stopping server closes the keep-alive connections that have gone idle. */
const IDLE_CLOSE_INTERVAL_MS = 50

/** Where the metadata lives: the log, the election, and the NATS connection under them if any. */
interface Backend {
  readonly log: MetadataLog
  readonly election: ControllerElection
  /** Where snapshots of the image are kept (NATS only), and the latest one, to start from. */
  readonly snapshots?: MetadataSnapshotStore
  readonly initialImage?: MetadataImage
  readonly nats?: { readonly connection: NatsConnection; readonly clusterId: string }
  /** For the 'listening' line: where the metadata is. */
  readonly where: Record<string, unknown>
}

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

  let backend: Backend
  try {
    backend = await openBackend(config, logger)
  } catch (error) {
    logger.fatal({ err: error }, 'cannot open the metadata log and election')
    process.exit(1)
  }
  const { log, election, nats, snapshots, initialImage } = backend
  const controller = new Controller({
    log,
    election,
    ...(snapshots === undefined ? {} : { snapshots }),
    ...(initialImage === undefined ? {} : { initialImage }),
    nodeId: config.nodeId,
    logger,
    sessionTimeoutMs: config.sessionTimeoutMs,
    ...(config.clusterId === null ? {} : { clusterId: config.clusterId }),
    defaultReplicationFactor: config.defaultReplicationFactor ?? undefined,
    minInsyncReplicas: config.minInsyncReplicas ?? undefined,
  })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const app = createApp({ controller, logger, registry })

  // Only the active controller answers over NATS: subscribe when it wins, drain when it loses.
  let natsServer: ControllerServer | undefined
  let natsServerStopped: Promise<void> = Promise.resolve()
  if (nats !== undefined) {
    controller.onActivityChange((active) => {
      if (active && natsServer === undefined) {
        natsServer = serveController(nats.connection, nats.clusterId, controller, { logger })
        logger.info({ clusterId: nats.clusterId }, 'serving controller requests over NATS')
      } else if (!active && natsServer !== undefined) {
        const stopping = natsServer.stop()
        natsServer = undefined
        natsServerStopped = Promise.all([natsServerStopped, stopping]).then(() => {})
        logger.info('stopped serving controller requests over NATS')
      }
    })
  }

  controller.start()
  // Without TLS or HTTP/2 options, serve makes a plain node:http server.
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      { address: info.address, port: info.port, url: httpUrl(info), ...backend.where },
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
      // Closing deactivates the controller, which stops the NATS subscription (see above).
      await controller.close()
      await natsServerStopped
      await closed
      await election.close()
      await log.close()
      await nats?.connection.drain()
    },
  })
}

/** The NATS log and election on one connection with `--nats`; else the embedded ones. */
async function openBackend(config: ControllerConfig, logger: Logger): Promise<Backend> {
  if (config.nats === null || config.clusterId === null) {
    const dir = join(config.dataDir, 'controller')
    const log = await EmbeddedMetadataLog.open({ dir, logger })
    const election = await EmbeddedControllerElection.open({
      dir,
      logger,
      leaseMs: config.leaseMs,
    })
    return { log, election, where: { dataDir: dir } }
  }
  const { clusterId } = config
  const connection = await connectNats({
    servers: config.nats,
    name: `tributary-controller-${config.nodeId}`,
    logger,
  })
  try {
    const log = await NatsMetadataLog.open({ connection, clusterId, logger })
    const election = await NatsControllerElection.open({
      connection,
      clusterId,
      logger,
      leaseMs: config.leaseMs,
    })
    const snapshots = await NatsSnapshotStore.open({ connection, clusterId, logger })
    const initialImage = await latestImage(snapshots, logger)
    return {
      log,
      election,
      snapshots,
      ...(initialImage === undefined ? {} : { initialImage }),
      nats: { connection, clusterId },
      where: { nats: connection.getServer(), clusterId },
    }
  } catch (error) {
    await connection.close().catch(() => {})
    throw error
  }
}

await main()
