/**
 * Tributary as a cluster on NATS: a real nats-server (see `nats.ts`) and every controller,
 * broker and gateway as its own process (`main.ts` run from the sources, see `services.ts`),
 * on free ports in a temp directory, with the short timeouts tests want. `startCluster` resolves
 * once one controller is active, every broker is registered and unfenced and every gateway
 * answers /health; `close` SIGKILLs what still runs and removes the directory (and the
 * nats-server, unless the caller brought it). A test-process exit SIGKILLs every process left.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetadataImage, type MetadataLogEntry } from '@tributary/core'
import { NatsMetadataLog } from '@tributary/nats'
import { afterAll, beforeAll } from 'vitest'
import { type NatsServer, startNatsServer } from './nats.ts'
import {
  type BrokerHandle,
  BrokerProcess,
  type ControllerHandle,
  ControllerProcess,
  type Launch,
  READY_TIMEOUT_MS,
  signal,
  track,
  waitUntil,
} from './service-handles.ts'
import { type ServiceProcess, startService } from './services.ts'

export type {
  BrokerHandle,
  BrokerHealth,
  ControllerHandle,
  ControllerHealth,
  ServiceHandle,
} from './service-handles.ts'
export { READY_TIMEOUT_MS, waitUntil } from './service-handles.ts'

/** The controller's session timeout in these clusters: a silent broker is fenced after it. */
export const TEST_SESSION_TIMEOUT_MS = 3_000
/** The brokers' heartbeat interval in these clusters. */
export const TEST_HEARTBEAT_INTERVAL_MS = 300

export interface ClusterOptions {
  /** Controller processes, `controller-1` … (default 3). */
  readonly controllers?: number
  /** Broker processes, ids 1 … (default 3). */
  readonly brokers?: number
  /** Gateway processes (default 1). */
  readonly gateways?: number
  /** Namespaces the cluster's NATS names; default a random `test-<hex>`. */
  readonly clusterId?: string
  /** A running nats-server to use (two clusters may share one); default a new one, closed by `close`. */
  readonly nats?: NatsServer
  /** Extra flags of every controller, after the harness's own (a repeated flag: the last wins). */
  readonly controllerArgs?: readonly string[]
  /** Extra flags of every broker (e.g. `--heartbeat-interval-ms=100`). */
  readonly brokerArgs?: readonly string[]
  /** Extra flags of one broker, after `brokerArgs` (e.g. `--rack=a`). */
  readonly brokerArgsFor?: (brokerId: number) => readonly string[]
  /** Extra flags of every gateway. */
  readonly gatewayArgs?: readonly string[]
}

export interface Cluster {
  readonly clusterId: string
  /** The temp dir holding every data dir (removed by `close`). */
  readonly dir: string
  readonly nats: NatsServer
  /** The gateways' base URLs. */
  readonly gateways: readonly string[]
  readonly gatewayProcesses: readonly ServiceProcess[]
  /** In start order: `controller-1`, `controller-2`, … */
  readonly controllers: readonly ControllerHandle[]
  /** By broker id. */
  readonly brokers: ReadonlyMap<number, BrokerHandle>
  /** The broker with this id; throws if there is none. */
  broker(brokerId: number): BrokerHandle
  /**
   * The active controller, waiting (up to `timeoutMs`) until a running one says so; with
   * `except`, one other than that controller (a takeover after it was killed or stopped).
   */
  activeController(options?: {
    readonly except?: ControllerHandle
    readonly timeoutMs?: number
  }): Promise<ControllerHandle>
  /** SIGTERM to controller `nodeId` (default the active one); waits for its exit; returns it. */
  stopController(nodeId?: string): Promise<ControllerHandle>
  /** `signal` (default SIGKILL) to controller `nodeId` (default the active one); returns it. */
  killController(nodeId?: string, signal?: NodeJS.Signals): Promise<ControllerHandle>
  /** Starts one more broker (the next id, or `brokerId`) and waits until it is unfenced. */
  addBroker(brokerId?: number): Promise<BrokerHandle>
  /** SIGKILLs every process still running, closes the nats-server if it started it, removes `dir`. */
  close(): Promise<void>
}

/** Starts a cluster on NATS (see the file comment); on failure, cleans up and rethrows. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const clusterId = options.clusterId ?? `test-${randomBytes(4).toString('hex')}`
  const dir = mkdtempSync(join(tmpdir(), 'tributary-cluster-'))
  const ownNats = options.nats === undefined
  let nats: NatsServer | undefined = options.nats
  const started = new Set<ServiceProcess>()
  const launch: Launch = (service, args) => {
    const child = track(startService(service, args, { LOG_LEVEL: 'info' }))
    started.add(child)
    return child
  }
  const controllers: ControllerHandle[] = []
  const brokers = new Map<number, BrokerHandle>()
  const gateways: string[] = []
  const gatewayProcesses: ServiceProcess[] = []

  const close = async () => {
    await Promise.all([...started].map((child) => signal(child, 'SIGKILL')))
    if (ownNats) await nats?.close()
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    nats ??= await startNatsServer()
    const natsFlags = [`--nats=${nats.url}`, `--cluster-id=${clusterId}`]

    const argsOfController = (nodeId: string) => [
      '--port=0',
      '--host=127.0.0.1',
      `--node-id=${nodeId}`,
      `--data-dir=${join(dir, nodeId)}`,
      `--session-timeout-ms=${TEST_SESSION_TIMEOUT_MS}`,
      ...natsFlags,
      ...(options.controllerArgs ?? []),
    ]
    /** A broker process and its handle; `ready` resolves once it listens (not yet unfenced). */
    const newBroker = (brokerId: number) => {
      const dataDir = join(dir, `broker-${brokerId}`)
      const handle = new BrokerProcess(launch, brokerId, dataDir, [
        `--broker-id=${brokerId}`,
        '--host=127.0.0.1',
        '--port=0',
        '--http-port=0',
        `--data-dir=${dataDir}`,
        '--flush-mode=os',
        `--heartbeat-interval-ms=${TEST_HEARTBEAT_INTERVAL_MS}`,
        ...natsFlags,
        ...(options.brokerArgs ?? []),
        ...(options.brokerArgsFor?.(brokerId) ?? []),
      ])
      return { handle, ready: handle.listening() }
    }

    const controllersReady: Promise<void>[] = []
    for (let i = 1; i <= (options.controllers ?? 3); i++) {
      const handle = new ControllerProcess(
        launch,
        `controller-${i}`,
        argsOfController(`controller-${i}`),
      )
      controllers.push(handle)
      controllersReady.push(handle.listening())
    }
    await Promise.all(controllersReady)

    const activeController: Cluster['activeController'] = async (query = {}) => {
      let found: ControllerHandle | undefined
      await waitUntil(
        async () => {
          const candidates = controllers.filter((handle) => handle !== query.except)
          const answers = await Promise.all(
            candidates.map(async (handle) => ({ handle, active: await handle.active() })),
          )
          found = answers.find((answer) => answer.active)?.handle
          return found !== undefined
        },
        'an active controller',
        query.timeoutMs,
      )
      return found as ControllerHandle
    }
    await activeController()

    const pending: Promise<void>[] = []
    for (let id = 1; id <= (options.brokers ?? 3); id++) {
      const { handle, ready } = newBroker(id)
      brokers.set(id, handle)
      pending.push(ready)
    }
    for (let i = 0; i < (options.gateways ?? 1); i++) {
      const gateway = launch('gateway', [
        '--port=0',
        '--host=127.0.0.1',
        ...natsFlags,
        ...(options.gatewayArgs ?? []),
      ])
      gatewayProcesses.push(gateway)
      pending.push(
        gateway.line('gateway listening', READY_TIMEOUT_MS).then((line) => {
          gateways.push(line.url as string)
        }),
      )
    }
    await Promise.all(pending)
    await Promise.all([...brokers.values()].map((broker) => broker.waitUnfenced()))
    await Promise.all(
      gateways.map((url) =>
        waitUntil(async () => (await fetch(`${url}/health`)).status === 200, `gateway ${url}`),
      ),
    )

    const controllerNamed = async (nodeId?: string) => {
      if (nodeId === undefined) return activeController()
      const handle = controllers.find((candidate) => candidate.nodeId === nodeId)
      if (handle === undefined) throw new Error(`no controller ${nodeId}`)
      return handle
    }
    const server = nats
    return {
      clusterId,
      dir,
      nats: server,
      gateways,
      gatewayProcesses,
      controllers,
      brokers,
      broker(brokerId) {
        const handle = brokers.get(brokerId)
        if (handle === undefined) throw new Error(`no broker ${brokerId}`)
        return handle
      },
      activeController,
      async stopController(nodeId) {
        const handle = await controllerNamed(nodeId)
        await handle.stop()
        return handle
      },
      async killController(nodeId, sent = 'SIGKILL') {
        const handle = await controllerNamed(nodeId)
        await handle.kill(sent)
        return handle
      },
      async addBroker(brokerId = Math.max(0, ...brokers.keys()) + 1) {
        if (brokers.has(brokerId)) throw new Error(`broker ${brokerId} exists`)
        const { handle, ready } = newBroker(brokerId)
        brokers.set(brokerId, handle)
        await ready
        await handle.waitUnfenced()
        return handle
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * One cluster for the calling test file: started before its tests (within a generous hook
 * timeout), closed after them. The returned function gives the cluster (in tests and hooks).
 */
export function clusterPerFile(options: ClusterOptions = {}): () => Cluster {
  let cluster: Cluster | undefined
  beforeAll(async () => {
    cluster = await startCluster(options)
  }, 2 * READY_TIMEOUT_MS)
  afterAll(async () => {
    await cluster?.close()
  })
  return () => {
    if (cluster === undefined) throw new Error('the cluster is not started yet')
    return cluster
  }
}

/** Where every running broker's metadata stands once they agree (see {@link brokersConverged}). */
export interface ConvergedMetadata {
  readonly metadataOffset: number
  readonly metadataDigest: string
}

/**
 * Waits (up to `timeoutMs`) until every running broker of `cluster` is unfenced and reports the
 * same `metadataOffset` and `metadataDigest` in its /health, at `atLeastOffset` or beyond;
 * answers where they agree. A broker that is stopped (not running) is left out.
 */
export async function brokersConverged(
  cluster: Cluster,
  options: { readonly atLeastOffset?: number; readonly timeoutMs?: number } = {},
): Promise<ConvergedMetadata> {
  let agreed: ConvergedMetadata | undefined
  let last = ''
  const running = () => [...cluster.brokers.values()].filter((broker) => broker.running)
  try {
    await waitUntil(
      async () => {
        const healths = await Promise.all(running().map((broker) => broker.health()))
        last = JSON.stringify(healths)
        const first = healths[0]
        if (first === undefined) return false
        const same = healths.every(
          (health) =>
            !health.fenced &&
            health.metadataOffset === first.metadataOffset &&
            health.metadataDigest === first.metadataDigest,
        )
        if (!same || first.metadataOffset < (options.atLeastOffset ?? -1)) return false
        agreed = { metadataOffset: first.metadataOffset, metadataDigest: first.metadataDigest }
        return true
      },
      'the brokers converged on one metadata image',
      options.timeoutMs,
    )
  } catch (error) {
    throw new Error(`${(error as Error).message}; last /health answers: ${last}`)
  }
  return agreed as ConvergedMetadata
}

/** The cluster's metadata log, opened on a connection of its own (closed by `close`). */
export interface MetadataLogReader {
  readonly log: NatsMetadataLog
  /** Every entry, from offset 0. */
  entries(): Promise<MetadataLogEntry[]>
  /**
   * The image the log's first `untilOffset + 1` entries replay to (all of them by default), and
   * its digest computed as a broker's /health computes `metadataDigest`.
   */
  replay(untilOffset?: number): Promise<{ image: MetadataImage; digest: string }>
  close(): Promise<void>
}

/**
 * Opens `cluster`'s metadata log (the JetStream stream every service follows) the way the
 * services do, on a new connection to its nats-server, for tests that inspect the log itself.
 */
export async function openMetadataLog(cluster: Cluster): Promise<MetadataLogReader> {
  const connection = await cluster.nats.connect()
  try {
    const log = await NatsMetadataLog.open({ connection, clusterId: cluster.clusterId })
    const entries = () => log.read(0)
    return {
      log,
      entries,
      async replay(untilOffset = Number.POSITIVE_INFINITY) {
        const image = new MetadataImage()
        for (const entry of await entries()) {
          if (entry.offset > untilOffset) break
          image.apply(entry)
        }
        return { image, digest: metadataDigestOf(image) }
      },
      async close() {
        await log.close()
        await connection.close()
      },
    }
  } catch (error) {
    await connection.close()
    throw error
  }
}

/** A metadata image's digest as brokers report it in /health (SHA-256 of its snapshot, 16 hex). */
export function metadataDigestOf(image: MetadataImage): string {
  return createHash('sha256').update(JSON.stringify(image.snapshot())).digest('hex').slice(0, 16)
}
