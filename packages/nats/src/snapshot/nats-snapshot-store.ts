import { StorageType } from '@nats-io/jetstream'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/nats-core'
import {
  type Logger,
  type MetadataSnapshot,
  type MetadataSnapshotStore,
  type NatsNames,
  natsNames,
  silentLogger,
} from '@tributary/core'
import { isWrongLastSequence } from '../connection/index.ts'

/** The key of the latest snapshot in `names.snapshotBucket`. */
const LATEST = 'latest'

/** Options of {@link NatsSnapshotStore.open}. */
export interface NatsSnapshotStoreOptions {
  /** An open connection, borrowed: the store never closes it. */
  readonly connection: NatsConnection
  readonly clusterId: string
  /** Replicas of the bucket if this call creates it; default 1. */
  readonly replicas?: number
  readonly logger?: Logger
}

/**
 * Metadata snapshots in a JetStream key-value bucket (`names.snapshotBucket`, one key holding
 * the latest as JSON). A save never moves the snapshot back: it is a compare-and-set on the key's
 * revision after checking the stored offset, so a deposed controller's older image loses to a
 * newer one. A snapshot must fit one NATS message (1 MiB by default): a larger one is not saved
 * (the log is then replayed from its start, which is slower but as correct).
 */
export class NatsSnapshotStore implements MetadataSnapshotStore {
  readonly names: NatsNames
  readonly #kv: KV
  readonly #logger: Logger
  readonly #maxBytes: number

  private constructor(names: NatsNames, kv: KV, maxBytes: number, logger: Logger) {
    this.names = names
    this.#kv = kv
    this.#maxBytes = maxBytes
    this.#logger = logger
  }

  /** Opens (creating if needed) the cluster's snapshot bucket. */
  static async open(options: NatsSnapshotStoreOptions): Promise<NatsSnapshotStore> {
    const names = natsNames(options.clusterId)
    const kvm = new Kvm(options.connection)
    const kv = await kvm.create(names.snapshotBucket, {
      history: 1,
      replicas: options.replicas ?? 1,
      storage: StorageType.File,
    })
    const logger = (options.logger ?? silentLogger).child({ component: 'snapshots' })
    return new NatsSnapshotStore(names, kv, options.connection.info?.max_payload ?? 1 << 20, logger)
  }

  async latest(): Promise<MetadataSnapshot | undefined> {
    const entry = await this.#kv.get(LATEST)
    if (entry === null || entry.operation !== 'PUT' || entry.length === 0) return undefined
    return JSON.parse(entry.string()) as MetadataSnapshot
  }

  async save(snapshot: MetadataSnapshot): Promise<void> {
    const body = new TextEncoder().encode(JSON.stringify(snapshot))
    if (body.length > this.#maxBytes - 1024) {
      this.#logger.warn(
        { offset: snapshot.offset, bytes: body.length, maxBytes: this.#maxBytes },
        'metadata snapshot too large for one NATS message; not saved',
      )
      return
    }
    const entry = await this.#kv.get(LATEST)
    const revision = entry === null ? 0 : entry.revision
    if (entry !== null && entry.operation === 'PUT' && entry.length > 0) {
      const stored = JSON.parse(entry.string()) as MetadataSnapshot
      if (stored.offset >= snapshot.offset) return
    }
    try {
      if (revision === 0) await this.#kv.create(LATEST, body)
      else await this.#kv.update(LATEST, body, revision)
    } catch (error) {
      // Another controller saved meanwhile: its snapshot stands.
      if (isWrongLastSequence(error)) return
      throw error
    }
  }
}
