import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Acks,
  type AlterPartitionRequest,
  type AlterPartitionResult,
  CONSUMER_REPLICA_ID,
  type ControllerClient,
  type DataPlaneClient,
  type DataPlaneConnector,
  decodeRecordBatches,
  encodeRecordBatch,
  type FetchRequest,
  IsolationLevel,
  type Logger,
  MetadataImage,
  type MetadataRecord,
  type ProduceRequest,
  silentLogger,
} from '@tributary/core'
import { onTestFinished } from 'vitest'
import { GroupCoordinator, type GroupSettings } from '../src/coordinator/index.ts'
import { DataPlaneHandler, inProcessClient } from '../src/handler/index.ts'
import { ReplicaManager } from '../src/replica/index.ts'
import { ReplicaFetchers, ReplicaLeaders } from '../src/replication/index.ts'

/** A fresh directory for one test, removed when the test ends. */
export function tempDir(prefix = 'tributary-broker-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Cluster metadata for tests, built the way every process builds it: real metadata records
 * applied in order to a MetadataImage.
 */
export class TestMetadata {
  readonly image: MetadataImage

  constructor(image = new MetadataImage()) {
    this.image = image
  }

  apply(...records: MetadataRecord[]): void {
    for (const record of records) {
      this.image.apply({
        offset: this.image.offset + 1,
        controllerEpoch: 1,
        timestamp: Date.now(),
        record,
      })
    }
  }

  registerBroker(
    brokerId: number,
    options: { fenced?: boolean; incarnationId?: string } = {},
  ): void {
    this.apply({
      type: 'register-broker',
      brokerId,
      incarnationId: options.incarnationId ?? `incarnation-${brokerId}`,
      brokerEpoch: this.image.offset + 1,
      endpoints: [{ name: 'client', host: '127.0.0.1', port: 9092 }],
      rack: null,
      fenced: options.fenced ?? false,
    })
  }

  fence(brokerId: number): void {
    const broker = this.image.broker(brokerId)
    if (broker === undefined) throw new Error(`no broker ${brokerId}`)
    this.apply({ type: 'fence-broker', brokerId, brokerEpoch: broker.brokerEpoch })
  }

  /** A topic whose partitions all have `replicas` (the first leads); returns its id. */
  createTopic(
    name: string,
    options: { partitions?: number; replicas?: number[]; configs?: Record<string, string> } = {},
  ): string {
    const topicId = randomUUID()
    const replicas = options.replicas ?? [1]
    this.apply({ type: 'topic', name, topicId })
    for (let partition = 0; partition < (options.partitions ?? 1); partition++) {
      this.apply({
        type: 'partition',
        topicId,
        partition,
        replicas,
        isr: replicas,
        leader: replicas[0] ?? -1,
        leaderEpoch: 0,
        partitionEpoch: 0,
      })
    }
    for (const [config, value] of Object.entries(options.configs ?? {})) {
      this.setConfig(name, config, value)
    }
    return topicId
  }

  setConfig(topic: string, name: string, value: string | null): void {
    this.apply({ type: 'config', resourceType: 'topic', resourceName: topic, name, value })
  }

  deleteTopic(name: string): void {
    const topic = this.image.topic(name)
    if (topic === undefined) throw new Error(`no topic ${name}`)
    this.apply({ type: 'remove-topic', topicId: topic.topicId })
  }

  changeLeader(topic: string, partition: number, leader: number): void {
    const state = this.image.topic(topic)
    if (state === undefined) throw new Error(`no topic ${topic}`)
    this.apply({ type: 'partition-change', topicId: state.topicId, partition, leader })
  }
}

export interface ReplicaHost {
  readonly metadata: TestMetadata
  readonly replicas: ReplicaManager
  readonly handler: DataPlaneHandler
  readonly leaders: ReplicaLeaders
  /** The handler's group coordinator (its sweep timer not started). */
  readonly coordinator: GroupCoordinator
  readonly dir: string
  /** Closes the handler and the logs now (the test's end does it otherwise); idempotent. */
  close(): Promise<void>
}

/**
 * Broker 1's replicas, request handler and group coordinator over temp-dir logs; closed when
 * the test ends.
 */
export function hostReplicas(
  options: {
    dir?: string
    metadata?: TestMetadata
    brokerId?: number
    logger?: Logger
    /** The logs' clock. */
    now?: () => number
    /** The group coordinator's clock. */
    groupNow?: () => number
    groupSettings?: Partial<GroupSettings>
    /** Followers reach leaders through it; with one, this broker follows other leaders. */
    connector?: DataPlaneConnector
    /** Where the leader side sends ISR changes; default: refused loudly. */
    controller?: Pick<ControllerClient, 'alterPartition'>
    replicaLagTimeMaxMs?: number
  } = {},
): ReplicaHost {
  const metadata = options.metadata ?? new TestMetadata()
  const dir = options.dir ?? tempDir()
  const logger = options.logger ?? silentLogger
  const replicas = new ReplicaManager({
    brokerId: options.brokerId ?? 1,
    dir,
    image: metadata.image,
    // Tests need no power-loss durability; 'os' keeps them fast.
    logConfig: { flushMode: 'os' },
    logger,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const coordinator = new GroupCoordinator({
    replicas,
    image: metadata.image,
    produce: (request) => handler.produce(request),
    logger,
    ...(options.groupNow === undefined ? {} : { now: options.groupNow }),
    ...(options.groupSettings === undefined ? {} : { settings: options.groupSettings }),
  })
  // One broker: no follower ever fetches, so no ISR change is asked for; one would fail loudly.
  const leaders = new ReplicaLeaders({
    brokerId: options.brokerId ?? 1,
    replicas,
    image: metadata.image,
    controller: options.controller ?? {
      alterPartition: () => Promise.reject(new Error('no controller in these tests')),
    },
    brokerEpoch: () => 0,
    logger,
    ...(options.replicaLagTimeMaxMs === undefined
      ? {}
      : { replicaLagTimeMaxMs: options.replicaLagTimeMaxMs }),
  })
  const fetchers =
    options.connector === undefined
      ? undefined
      : new ReplicaFetchers({
          brokerId: options.brokerId ?? 1,
          replicas,
          image: metadata.image,
          connector: options.connector,
          logger,
        })
  const stopSyncing = replicas.onSynced(() => {
    leaders.onImageChanged()
    fetchers?.sync()
  })
  const handler = new DataPlaneHandler({ replicas, leaders, logger, coordinator })
  const close = async () => {
    stopSyncing()
    await fetchers?.close()
    leaders.stop()
    coordinator.stop()
    await handler.close()
    await replicas.close()
  }
  onTestFinished(close)
  return { metadata, replicas, handler, leaders, coordinator, dir, close }
}

/**
 * Followers reach leaders hosted in this process through their real handlers (in process
 * instead of TCP; the TCP path is the same handler behind the data-plane server).
 */
export class InProcessConnector implements DataPlaneConnector {
  /** The host running as each broker id now. */
  readonly hosts = new Map<number, ReplicaHost>()

  connect(brokerId: number): DataPlaneClient {
    const host = this.hosts.get(brokerId)
    if (host === undefined) throw new Error(`broker ${brokerId} is not running`)
    return inProcessClient(host.handler)
  }
}

/**
 * A controller's AlterPartition for hosts sharing one image: applies the ISR a leader asks for
 * as the controller's `partition-change` would, without its checks (services/controller tests
 * those), and records the requests.
 */
export function isrChanges(metadata: TestMetadata, hosts: () => ReplicaHost[]) {
  const asked: AlterPartitionRequest[] = []
  return {
    asked,
    alterPartition: async (request: AlterPartitionRequest): Promise<AlterPartitionResult> => {
      asked.push(request)
      metadata.apply({
        type: 'partition-change',
        topicId: request.topicId,
        partition: request.partition,
        isr: request.isr,
      })
      await Promise.all(hosts().map((host) => host.replicas.sync()))
      const topic = metadata.image.topics.find((t) => t.topicId === request.topicId)
      const state = topic?.partitions[request.partition]
      if (state === undefined) throw new Error('no such partition')
      return { ...state, metadataOffset: metadata.image.offset }
    },
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A producer batch holding one record per value. */
export function batchOf(values: readonly string[]): Uint8Array {
  return encodeRecordBatch(
    values.map((value, index) => ({
      key: null,
      value: encoder.encode(value),
      timestamp: 1_700_000_000_000 + index,
    })),
  )
}

/** Every record of concatenated batches, decoded by core, as offset and value. */
export function recordsOf(bytes: Uint8Array): { offset: number; value: string }[] {
  return decodeRecordBatches(bytes).flatMap((batch) =>
    batch.records.map((record) => ({
      offset: record.offset,
      value: record.value === null ? '<null>' : decoder.decode(record.value),
    })),
  )
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

export function produceRequest(
  topic: string,
  records: Uint8Array,
  options: Partial<ProduceRequest> = {},
): ProduceRequest {
  return { topic, partition: 0, acks: Acks.Leader, timeoutMs: 30_000, records, ...options }
}

export function fetchRequest(
  topic: string,
  fetchOffset: number,
  options: Partial<FetchRequest> = {},
): FetchRequest {
  return {
    topic,
    partition: 0,
    fetchOffset,
    maxBytes: 1 << 20,
    maxWaitMs: 0,
    minBytes: 0,
    isolationLevel: IsolationLevel.ReadCommitted,
    replicaId: CONSUMER_REPLICA_ID,
    currentLeaderEpoch: -1,
    ...options,
  }
}

/** Resolves once `condition` holds, checking at every turn of the event loop. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}
