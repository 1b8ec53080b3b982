/**
 * `tributary start`: combined mode. Controller, broker and gateway in one process, on the
 * embedded metadata log (no NATS), with data under `--data-dir`. The pieces are wired in
 * process: the controller object is the gateway's and broker's ControllerClient, the embedded
 * log is what they follow, and the broker's request handler is the gateway's data plane, so no
 * socket sits between them. It is what `npm start` runs.
 */
import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createAdaptorServer } from '@hono/node-server'
import { createBroker, inProcessClient } from '@tributary/broker'
import { Controller } from '@tributary/controller'
import { MetadataFollower } from '@tributary/core'
import { createGatewayApp } from '@tributary/gateway'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '@tributary/storage'
import { pino } from 'pino'

export const START_USAGE = `Usage: tributary start [options]

Runs controller, broker and gateway in one process (combined mode).

Options:
  --port <n>          HTTP API port (env PORT; default 8082; 0 picks a free port)
  --host <addr>       address to listen on (env HOST; default 127.0.0.1)
  --data-dir <dir>    where topics and metadata are kept (env TRIBUTARY_DATA_DIR; default ./data)
  --flush-mode <m>    fsync (default): acknowledge after the write is on disk;
                      os: after it reached the OS (env TRIBUTARY_FLUSH_MODE)
  --log-level <lvl>   fatal, error, warn, info (default), debug, trace (env LOG_LEVEL)
  -h, --help          this text
`

/** How long a graceful stop may take before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 10_000
/**
 * How long start-up waits for the broker to be registered and unfenced. After a SIGKILL this
 * includes waiting out the dead process's controller lease (3 s by default).
 */
const BROKER_READY_TIMEOUT_MS = 30_000
const BROKER_ID = 1

export interface StartConfig {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly flushMode: 'fsync' | 'os'
  readonly logLevel: string
}

/** Flags first, then the environment, then defaults. Throws a readable error on bad input. */
export function parseStartConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartConfig | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'flush-mode': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help === true) return 'help'
  const portText = values.port ?? env.PORT ?? '8082'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new Error(`--port must be a port number (0-65535), got '${portText}'`)
  }
  const flushMode = values['flush-mode'] ?? env.TRIBUTARY_FLUSH_MODE ?? 'fsync'
  if (flushMode !== 'fsync' && flushMode !== 'os') {
    throw new Error(`--flush-mode must be fsync or os, got '${flushMode}'`)
  }
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new Error(`--log-level must be a pino level, got '${logLevel}'`)
  }
  return {
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    dataDir: resolve(values['data-dir'] ?? env.TRIBUTARY_DATA_DIR ?? 'data'),
    flushMode,
    logLevel,
  }
}

/** Runs combined mode until SIGTERM or SIGINT; answers an exit code only for bad arguments. */
export async function runStart(argv: readonly string[]): Promise<number | undefined> {
  let config: StartConfig | 'help'
  try {
    config = parseStartConfig(argv, process.env)
  } catch (error) {
    process.stderr.write(`tributary start: ${(error as Error).message}\n\n${START_USAGE}`)
    return 2
  }
  if (config === 'help') {
    process.stdout.write(START_USAGE)
    return 0
  }
  const logger = pino({ level: config.logLevel, base: { service: 'tributary', pid: process.pid } })
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    process.exit(1)
  })
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    process.exit(1)
  })

  mkdirSync(config.dataDir, { recursive: true })
  const controllerDir = join(config.dataDir, 'controller')
  const log = await EmbeddedMetadataLog.open({ dir: controllerDir, logger })
  const election = await EmbeddedControllerElection.open({ dir: controllerDir, logger })
  const controller = new Controller({
    log,
    election,
    nodeId: 'combined',
    logger: logger.child({ component: 'controller' }),
  })
  controller.start()

  const broker = createBroker({
    config: {
      brokerId: BROKER_ID,
      dataDir: config.dataDir,
      host: '127.0.0.1',
      advertisedHost: '127.0.0.1',
      port: 0,
      httpPort: 0,
      heartbeatIntervalMs: 1_000,
      retentionCheckIntervalMs: 60_000,
      flushMode: config.flushMode,
    },
    controller,
    metadata: log,
    logger: logger.child({ component: 'broker' }),
  })
  await broker.start()

  const follower = new MetadataFollower()
  follower.start(log, (error) => logger.error({ err: error }, 'gateway metadata follower failed'))
  // Serve only once the broker is registered and unfenced, so the first request can create a
  // topic (placement needs an unfenced broker) and produce to it.
  const brokerEpoch = await broker.session.registered
  await brokerReady(follower, BROKER_ID, brokerEpoch, BROKER_READY_TIMEOUT_MS)
  const client = inProcessClient(broker.dataPlane)
  const gateway = createGatewayApp({
    metadata: follower,
    controller,
    dataPlane: { connect: () => client },
    logger: logger.child({ component: 'gateway' }),
  })
  const server = createAdaptorServer({ fetch: gateway.fetch }) as Server
  const address = await listen(server, config.port, config.host)
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  logger.info({ url, dataDir: config.dataDir }, 'tributary listening')
  process.stdout.write(`Tributary listening on ${url} (data in ${config.dataDir})\n`)

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    setTimeout(() => {
      logger.error('graceful stop took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    try {
      await new Promise<void>((done) => {
        server.close(() => done())
        server.closeIdleConnections()
      })
      await gateway.close()
      follower.stop()
      await broker.stop()
      await controller.close()
      await election.close()
      await log.close()
      logger.info('stopped')
      process.exit(0)
    } catch (error) {
      logger.error({ err: error }, 'graceful stop failed')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  return undefined
}

/** Resolves once the image shows `brokerId` registered and unfenced. */
function brokerReady(
  follower: MetadataFollower,
  brokerId: number,
  brokerEpoch: number,
  timeoutMs: number,
): Promise<void> {
  // Unfenced, and leading every partition it is the preferred leader of: after a restart the
  // controller hands those back when it unfences the broker.
  const ready = () =>
    follower.image.broker(brokerId)?.brokerEpoch === brokerEpoch &&
    follower.image.broker(brokerId)?.fenced === false &&
    follower.image.topics.every((topic) =>
      topic.partitions.every((p) => p.replicas[0] !== brokerId || p.leader === brokerId),
    )
  if (ready()) return Promise.resolve()
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      stopListening()
      fail(new Error(`broker ${brokerId} was not unfenced within ${timeoutMs} ms`))
    }, timeoutMs)
    const stopListening = follower.onApplied(() => {
      if (!ready()) return
      clearTimeout(timer)
      stopListening()
      done()
    })
  })
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => {
      server.off('error', fail)
      done(server.address() as AddressInfo)
    })
  })
}
