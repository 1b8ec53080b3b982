import { createHash, randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createAdaptorServer } from '@hono/node-server'
import { TcpDataPlaneConnector } from '@tributary/cluster-client'
import {
  CLIENT_ENDPOINT,
  type ControllerClient,
  type DataPlaneClient,
  type DataPlaneConnector,
  INTERNAL_ENDPOINT,
  type Logger,
  MetadataFollower,
  type MetadataImage,
  type MetadataReader,
  silentLogger,
} from '@tributary/core'
import type { Hono } from 'hono'
import type { BrokerConfig } from '../config/index.ts'
import { ControllerSession } from '../controller-session/index.ts'
import { GroupCoordinator, type GroupSettings } from '../coordinator/index.ts'
import { DataPlaneHandler } from '../handler/index.ts'
import { type BrokerHealth, createHttpApp } from '../http/index.ts'
import { type BrokerMetrics, createBrokerMetrics, instrumentDataPlane } from '../metrics/index.ts'
import { ReplicaManager } from '../replica/index.ts'
import { ReplicaFetchers, ReplicaLeaders } from '../replication/index.ts'
import { DataPlaneServer } from '../server/index.ts'

/** The broker's config as createBroker takes it; the group settings default when left out. */
export type BrokerSettings = Pick<
  BrokerConfig,
  | 'brokerId'
  | 'dataDir'
  | 'host'
  | 'advertisedHost'
  | 'port'
  | 'httpPort'
  | 'heartbeatIntervalMs'
  | 'retentionCheckIntervalMs'
  | 'flushMode'
> & {
  /** The rack the broker registers with, for rack-aware placement; null or absent: none. */
  readonly rack?: string | null
  /** Kafka's replica.lag.time.max.ms: a follower not caught up for this long leaves the ISR. */
  readonly replicaLagTimeMaxMs?: number
} & Partial<GroupSettings>

export interface BrokerDeps {
  readonly config: BrokerSettings
  /** The active controller: HttpControllerClient between processes, the controller itself in combined mode. */
  readonly controller: ControllerClient
  /** The metadata log to follow: HttpMetadataReader between processes. */
  readonly metadata: MetadataReader
  readonly logger?: Logger
  /** The image to follow the metadata log from (the latest snapshot); default: the log's start. */
  readonly initialImage?: MetadataImage
  /** Unique per process start; random by default. */
  readonly incarnationId?: string
  /** How followers reach their leaders; default a TCP connector of its own (closed on stop). */
  readonly connector?: DataPlaneConnector
  /** Wall clock for the logs and the group coordinator. Default Date.now. */
  readonly now?: () => number
}

export interface BrokerAddresses {
  readonly dataPlane: AddressInfo
  readonly http: AddressInfo
}

export interface Broker {
  readonly replicas: ReplicaManager
  /** The leader side of replication (high watermarks, ISR changes). */
  readonly leaders: ReplicaLeaders
  /** The follower side: fetch loops from other brokers' leaders. */
  readonly fetchers: ReplicaFetchers
  readonly follower: MetadataFollower
  /** The request handler, instrumented: what the TCP server serves, and combined mode calls. */
  readonly dataPlane: DataPlaneClient
  /** `/health` and `/metrics`, for `app.request` in tests. */
  readonly http: Hono
  readonly metrics: BrokerMetrics
  readonly session: ControllerSession
  /** The coordinator of the groups whose `__consumer_offsets` partition this broker leads. */
  readonly coordinator: GroupCoordinator
  /** Binds both ports, registers, follows metadata, starts the retention timer. */
  start(): Promise<BrokerAddresses>
  /** Graceful: stops accepting, drains in-flight requests, stops heartbeats, closes the logs. */
  stop(): Promise<void>
}

/** How often the broker retries finding the metadata log's end, to clear stray replicas. */
const CATCH_UP_RETRY_MS = 1_000

/** Builds a broker without doing any I/O; {@link Broker.start} does it. */
export function createBroker(deps: BrokerDeps): Broker {
  const { config } = deps
  const logger = (deps.logger ?? silentLogger).child({ brokerId: config.brokerId })
  const incarnationId = deps.incarnationId ?? randomUUID()
  const follower = new MetadataFollower(deps.initialImage)
  const replicas = new ReplicaManager({
    brokerId: config.brokerId,
    dir: join(config.dataDir, `broker-${config.brokerId}`),
    image: follower.image,
    incarnationId,
    logConfig: { flushMode: config.flushMode },
    logger,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  })
  // Declared next: the session is built after the handler it reports for.
  const leaders = new ReplicaLeaders({
    brokerId: config.brokerId,
    replicas,
    image: follower.image,
    controller: deps.controller,
    brokerEpoch: () => session.brokerEpoch,
    ...(config.replicaLagTimeMaxMs === undefined
      ? {}
      : { replicaLagTimeMaxMs: config.replicaLagTimeMaxMs }),
    logger,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  })
  const ownConnector = deps.connector === undefined ? new TcpDataPlaneConnector() : undefined
  const fetchers = new ReplicaFetchers({
    brokerId: config.brokerId,
    replicas,
    image: follower.image,
    connector: deps.connector ?? (ownConnector as TcpDataPlaneConnector),
    logger,
  })
  // Commits are appended through the handler's own produce path (declared next: the
  // coordinator calls it only once requests arrive).
  const coordinator = new GroupCoordinator({
    replicas,
    image: follower.image,
    produce: (request) => handler.produce(request),
    settings: config,
    logger,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  })
  const handler = new DataPlaneHandler({ replicas, leaders, logger, coordinator })
  const metrics = createBrokerMetrics({
    hostedPartitions: () => replicas.replicas.length,
    ledPartitions: () => replicas.ledPartitions.length,
    metadataOffset: () => replicas.syncedOffset,
  })
  const dataPlane = instrumentDataPlane(handler, metrics)
  const server = new DataPlaneServer({
    handler: dataPlane,
    logger,
    onConnectionCount: (count) => metrics.connections.set(count),
  })
  const session = new ControllerSession({
    controller: deps.controller,
    brokerId: config.brokerId,
    incarnationId,
    metadataOffset: () => replicas.syncedOffset,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    rack: config.rack ?? null,
    logger,
  })
  let status: BrokerHealth['status'] = 'starting'
  // The image only changes with its offset: hash it once per offset, not on every /health.
  let digested = { offset: Number.NaN, digest: '' }
  const metadataDigest = (): string => {
    const { image } = follower
    if (digested.offset !== image.offset) {
      const digest = createHash('sha256').update(JSON.stringify(image.snapshot())).digest('hex')
      digested = { offset: image.offset, digest: digest.slice(0, 16) }
    }
    return digested.digest
  }
  const health = (): BrokerHealth => ({
    status,
    brokerId: config.brokerId,
    brokerEpoch: session.brokerEpoch,
    fenced: session.fenced,
    metadataOffset: replicas.syncedOffset,
    metadataDigest: metadataDigest(),
    partitions: replicas.replicas.length,
    leaderPartitions: replicas.ledPartitions.length,
  })
  const http = createHttpApp({ health, registry: metrics.registry })
  let httpServer: Server | undefined
  let retentionTimer: NodeJS.Timeout | undefined
  let catchUpTimer: NodeJS.Timeout | undefined
  let stopFollowing: (() => void) | undefined
  let stopReplicating: (() => void) | undefined
  let stopping: Promise<void> | undefined

  /** Once the image has reached the log's end as of now, directories it does not assign are strays. */
  const removeStraysOnceCaughtUp = async (): Promise<void> => {
    if (stopping !== undefined) return
    let end: number
    try {
      end = await deps.metadata.lastOffset()
    } catch (error) {
      logger.debug({ err: error }, 'metadata log end unknown; retrying')
      catchUpTimer = setTimeout(() => void removeStraysOnceCaughtUp(), CATCH_UP_RETRY_MS)
      return
    }
    await follower.waitFor(end)
    await replicas.sync()
    if (stopping === undefined) await replicas.removeStrayReplicas()
  }

  return {
    replicas,
    leaders,
    fetchers,
    follower,
    dataPlane,
    http,
    metrics,
    session,
    coordinator,

    async start() {
      const dataPlaneAddress = await server.listen(config.port, config.host)
      httpServer = createAdaptorServer({ fetch: http.fetch }) as Server
      const httpAddress = await listen(httpServer, config.httpPort, config.host)
      follower.start(deps.metadata, (error) =>
        logger.error({ err: error }, 'metadata follower failed'),
      )
      stopReplicating = replicas.onSynced(() => {
        leaders.onImageChanged()
        fetchers.sync()
      })
      stopFollowing = replicas.follow(follower)
      leaders.start()
      void removeStraysOnceCaughtUp().catch((error: unknown) =>
        logger.error({ err: error }, 'could not remove stray replicas'),
      )
      session.start([
        { name: CLIENT_ENDPOINT, host: config.advertisedHost, port: dataPlaneAddress.port },
        { name: INTERNAL_ENDPOINT, host: config.advertisedHost, port: dataPlaneAddress.port },
      ])
      void session.registered.then(() => {
        if (status === 'starting') status = 'serving'
      })
      coordinator.start()
      retentionTimer = setInterval(() => {
        const deleted = replicas.applyRetention()
        if (deleted > 0) logger.debug({ deleted }, 'retention deleted segments')
      }, config.retentionCheckIntervalMs)
      return { dataPlane: dataPlaneAddress, http: httpAddress }
    },

    stop() {
      stopping ??= (async () => {
        status = 'stopping'
        clearInterval(retentionTimer)
        clearTimeout(catchUpTimer)
        coordinator.stop()
        // Stop accepting and drain; closing the handler answers long-polling fetches at once.
        await Promise.all([server.close(), handler.close()])
        await session.stop()
        stopReplicating?.()
        leaders.stop()
        await fetchers.close()
        await ownConnector?.close()
        stopFollowing?.()
        follower.stop()
        await closeHttp(httpServer)
        await replicas.close()
        logger.info('broker stopped')
      })()
      return stopping
    },
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

function closeHttp(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return Promise.resolve()
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
    // A scraper holding a keep-alive connection open must not hold up shutdown.
    setTimeout(() => server.closeAllConnections(), 1_000).unref()
  })
}
