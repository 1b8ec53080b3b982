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
import { createAdaptorServer } from '@hono/node-server'
import { createBroker, inProcessClient } from '@tributary/broker'
import { Controller } from '@tributary/controller'
import { DEFAULT_OFFSETS_TOPIC_PARTITIONS, MetadataFollower } from '@tributary/core'
import { createGatewayApp } from '@tributary/gateway'
import {
  closeHttpServer,
  createServiceLogger,
  exitOnUncaughtErrors,
  httpUrl,
  isLogLevel,
  parseFlags,
  parseInteger,
  parsePort,
  readConfig,
  stopOnSignals,
} from '@tributary/node-service'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '@tributary/storage'

export const START_USAGE = `Usage: tributary start [options]

Runs controller, broker and gateway in one process (combined mode).

Options:
  --port <n>          HTTP API port (env PORT; default 8082; 0 picks a free port)
  --host <addr>       address to listen on (env HOST; default 127.0.0.1)
  --data-dir <dir>    where topics and metadata are kept (env TRIBUTARY_DATA_DIR; default ./data)
  --flush-mode <m>    fsync (default): acknowledge after the write is on disk;
                      os: after it reached the OS (env TRIBUTARY_FLUSH_MODE)
  --log-level <lvl>   fatal, error, warn, info (default), debug, trace (env LOG_LEVEL)
  --offsets-topic-num-partitions <n>
                      partitions of __consumer_offsets when it is created (default 50)
  --group-min-session-timeout-ms <ms>
                      the shortest session.timeout.ms a consumer may ask for (default 6000)
  --group-max-session-timeout-ms <ms>
                      the longest session.timeout.ms a consumer may ask for (default 1800000)
  --consumer-instance-timeout-ms <ms>
                      idle consumer instances are deleted after this (default 300000)
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
  readonly offsetsTopicNumPartitions: number
  readonly groupMinSessionTimeoutMs: number
  readonly groupMaxSessionTimeoutMs: number
  readonly consumerInstanceTimeoutMs: number
}

const MAX_MS = 0x7fff_ffff

/** Flags first, then the environment, then defaults. Throws a readable error on bad input. */
export function parseStartConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartConfig | 'help' {
  const flags = parseFlags(
    argv,
    [
      'port',
      'host',
      'data-dir',
      'flush-mode',
      'log-level',
      'offsets-topic-num-partitions',
      'group-min-session-timeout-ms',
      'group-max-session-timeout-ms',
      'consumer-instance-timeout-ms',
    ],
    { helpShort: 'h' },
  )
  if (flags.help) return 'help'
  const values = flags.values
  const port = parsePort(values.port ?? env.PORT ?? '8082', '--port')
  const flushMode = values['flush-mode'] ?? env.TRIBUTARY_FLUSH_MODE ?? 'fsync'
  if (flushMode !== 'fsync' && flushMode !== 'os') {
    throw new Error(`--flush-mode must be fsync or os, got '${flushMode}'`)
  }
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info'
  if (!isLogLevel(logLevel)) {
    throw new Error(`--log-level must be a pino level, got '${logLevel}'`)
  }
  return {
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    dataDir: resolve(values['data-dir'] ?? env.TRIBUTARY_DATA_DIR ?? 'data'),
    flushMode,
    logLevel,
    offsetsTopicNumPartitions: parseInteger(
      values['offsets-topic-num-partitions'] ?? String(DEFAULT_OFFSETS_TOPIC_PARTITIONS),
      '--offsets-topic-num-partitions',
      1,
      10_000,
    ),
    groupMinSessionTimeoutMs: parseInteger(
      values['group-min-session-timeout-ms'] ?? '6000',
      '--group-min-session-timeout-ms',
      1,
      MAX_MS,
    ),
    groupMaxSessionTimeoutMs: parseInteger(
      values['group-max-session-timeout-ms'] ?? '1800000',
      '--group-max-session-timeout-ms',
      1,
      MAX_MS,
    ),
    consumerInstanceTimeoutMs: parseInteger(
      values['consumer-instance-timeout-ms'] ?? '300000',
      '--consumer-instance-timeout-ms',
      1,
      MAX_MS,
    ),
  }
}

/** Runs combined mode until SIGTERM or SIGINT; answers an exit code only for bad arguments. */
export async function runStart(argv: readonly string[]): Promise<number | undefined> {
  const { config, exitCode } = readConfig({
    command: 'tributary start',
    usage: START_USAGE,
    parse: () => {
      const parsed = parseStartConfig(argv, process.env)
      return parsed === 'help' ? { help: true } : { help: false, config: parsed }
    },
    stdout: process.stdout,
    stderr: process.stderr,
    blankLineBeforeUsage: true,
  })
  if (config === undefined) return exitCode
  const logger = createServiceLogger('tributary', config.logLevel, process.pid)
  exitOnUncaughtErrors(logger, process)

  mkdirSync(config.dataDir, { recursive: true })
  const controllerDir = join(config.dataDir, 'controller')
  const log = await EmbeddedMetadataLog.open({ dir: controllerDir, logger })
  const election = await EmbeddedControllerElection.open({ dir: controllerDir, logger })
  const controller = new Controller({
    log,
    election,
    nodeId: 'combined',
    // `role`, not `component`: the pieces name their own components, and a second `component`
    // key in one JSON line trips log parsers.
    logger: logger.child({ role: 'controller' }),
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
      groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      consumerInstanceTimeoutMs: config.consumerInstanceTimeoutMs,
    },
    controller,
    metadata: log,
    logger: logger.child({ role: 'broker' }),
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
    logger: logger.child({ role: 'gateway' }),
    config: { offsetsTopicNumPartitions: config.offsetsTopicNumPartitions },
  })
  const server = createAdaptorServer({ fetch: gateway.fetch }) as Server
  const url = httpUrl(await listen(server, config.port, config.host))
  logger.info({ url, dataDir: config.dataDir }, 'tributary listening')
  process.stdout.write(`Tributary listening on ${url} (data in ${config.dataDir})\n`)

  stopOnSignals({
    process,
    logger,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    stop: async () => {
      await closeHttpServer(server)
      await gateway.close()
      follower.stop()
      await broker.stop()
      await controller.close()
      await election.close()
      await log.close()
    },
    logTimeoutMs: false,
    failureMessage: 'graceful stop failed',
  })
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
