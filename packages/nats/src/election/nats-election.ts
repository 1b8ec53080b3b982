import { StorageType } from '@nats-io/jetstream'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/nats-core'
import {
  type ControllerElection,
  type ControllerLeadership,
  DEFAULT_CANDIDATE_POLL_INTERVAL_MS,
  DEFAULT_CONTROLLER_LEASE_MS,
  ErrorCode,
  InvalidConfigError,
  type Logger,
  type NatsNames,
  natsNames,
  StorageError,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import { isWrongLastSequence } from '../connection/index.ts'
import { decodeLease, encodeLease, isFree, type Lease } from './lease.ts'
import { type LeaseWriter, NatsLeadership } from './nats-leadership.ts'

/** How many copies of the lease bucket JetStream keeps, unless told otherwise. */
export const DEFAULT_ELECTION_REPLICAS = 1

/** Options of {@link NatsControllerElection.open}. */
export interface NatsControllerElectionOptions {
  /** An open connection, borrowed: the election never closes it. */
  readonly connection: NatsConnection
  /** Names the bucket and key through core's `natsNames`. */
  readonly clusterId: string
  /** Default {@link DEFAULT_CONTROLLER_LEASE_MS}. */
  readonly leaseMs?: number
  /** How often the holder renews; below `leaseMs`. Default a third of `leaseMs`. */
  readonly renewIntervalMs?: number
  /** Default {@link DEFAULT_CANDIDATE_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number
  /** Replicas of the bucket if this call creates it; default {@link DEFAULT_ELECTION_REPLICAS}. */
  readonly replicas?: number
  readonly logger?: Logger
  /**
   * The wall clock leases are measured on, ms; default Date.now. Leases hold absolute expiry
   * times, so the controllers' clocks must roughly agree (NTP): a candidate whose clock runs
   * ahead by more than the time between the holder's last renewal and its expiry could take a
   * lease early. The metadata log's fence keeps the log consistent even then. Tests inject a
   * clock to expire leases at will.
   */
  readonly now?: () => number
}

/** A successful take: the lease written and its revision. */
interface Taken {
  readonly lease: Lease
  readonly revision: number
}

interface PendingCampaign {
  timer: ReturnType<typeof setTimeout> | undefined
  reject(error: unknown): void
}

/**
 * Controller election over NATS: a lease in a JetStream key-value bucket
 * (`names.controllerBucket`, key `names.controllerLeaseKey`), changed only by compare-and-set on
 * its revision, so candidates in any number of processes never both take it. A candidate takes
 * the lease when it is absent (epoch 1), free (resigned) or expired, with the last epoch plus 1;
 * the epoch is stored with the lease, so epochs only grow, also across restarts (the key must
 * never be deleted: its history is the epochs'). Waiting candidates poll the key.
 *
 * A holder whose lease expired loses it even if nobody took it (see {@link NatsLeadership}): it
 * must campaign again and gets a new epoch, which fences anything it appends with the old one.
 */
export class NatsControllerElection implements ControllerElection {
  readonly names: NatsNames
  readonly #kv: KV
  readonly #logger: Logger
  readonly #now: () => number
  readonly #leaseMs: number
  readonly #renewIntervalMs: number
  readonly #pollIntervalMs: number
  readonly #pending = new Set<PendingCampaign>()
  readonly #held = new Set<NatsLeadership>()
  #closed = false

  private constructor(names: NatsNames, kv: KV, options: NatsControllerElectionOptions) {
    this.names = names
    this.#kv = kv
    this.#logger = (options.logger ?? silentLogger).child({ bucket: names.controllerBucket })
    this.#now = options.now ?? Date.now
    this.#leaseMs = options.leaseMs ?? DEFAULT_CONTROLLER_LEASE_MS
    this.#renewIntervalMs = options.renewIntervalMs ?? Math.max(1, Math.floor(this.#leaseMs / 3))
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_CANDIDATE_POLL_INTERVAL_MS
  }

  /** Opens the election of cluster `clusterId`, creating its bucket if missing. */
  static async open(options: NatsControllerElectionOptions): Promise<NatsControllerElection> {
    const names = natsNames(options.clusterId)
    const leaseMs = options.leaseMs ?? DEFAULT_CONTROLLER_LEASE_MS
    requirePositiveInteger('leaseMs', leaseMs)
    if (options.renewIntervalMs !== undefined) {
      requirePositiveInteger('renewIntervalMs', options.renewIntervalMs)
      if (options.renewIntervalMs >= leaseMs) {
        throw new InvalidConfigError('NATS election: renewIntervalMs must be below leaseMs')
      }
    }
    if (options.pollIntervalMs !== undefined) {
      requirePositiveInteger('pollIntervalMs', options.pollIntervalMs)
    }
    const replicas = options.replicas ?? DEFAULT_ELECTION_REPLICAS
    requirePositiveInteger('replicas', replicas)
    let kv: KV
    try {
      kv = await new Kvm(options.connection).create(names.controllerBucket, {
        history: 1,
        storage: StorageType.File,
        replicas,
      })
    } catch (error) {
      throw new StorageError(`cannot open controller lease bucket ${names.controllerBucket}`, {
        cause: error,
      })
    }
    return new NatsControllerElection(names, kv, options)
  }

  /**
   * Resolves once `candidateId` holds the lease, trying at once and then every poll interval.
   * Rejects with NOT_CONTROLLER if the election closes first.
   */
  campaign(candidateId: string): Promise<ControllerLeadership> {
    if (this.#closed) return Promise.reject(closedError())
    if (typeof candidateId !== 'string' || candidateId.length === 0) {
      return Promise.reject(
        new TributaryError(ErrorCode.InvalidRequest, 'candidateId must be a non-empty string'),
      )
    }
    return new Promise((resolve, reject) => {
      const pending: PendingCampaign = { timer: undefined, reject }
      let failing = false
      const attempt = async () => {
        pending.timer = undefined
        let taken: Taken | undefined
        try {
          taken = await this.#tryTake(candidateId)
          failing = false
        } catch (error) {
          if (!failing) this.#logger.warn({ err: error, candidateId }, 'campaign attempt failed')
          failing = true
        }
        if (!this.#pending.has(pending)) {
          // Closed meanwhile: give back what the attempt took.
          if (taken !== undefined) await this.#release(taken)
          return
        }
        if (taken === undefined) {
          pending.timer = setTimeout(() => void attempt(), this.#pollIntervalMs)
          return
        }
        this.#pending.delete(pending)
        const { controllerEpoch } = taken.lease
        this.#logger.info({ candidateId, controllerEpoch }, 'became the active controller')
        resolve(this.#lead(candidateId, taken))
      }
      this.#pending.add(pending)
      void attempt()
    })
  }

  /** Rejects pending campaigns and resigns every leadership held. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const pending of this.#pending) {
      clearTimeout(pending.timer)
      pending.reject(closedError())
    }
    this.#pending.clear()
    await Promise.all([...this.#held].map((leadership) => leadership.resign()))
  }

  /** Takes the lease if it is absent, free or expired; undefined if it is held (or was raced). */
  async #tryTake(candidateId: string): Promise<Taken | undefined> {
    const key = this.names.controllerLeaseKey
    const entry = await this.#kv.get(key)
    const nowMs = this.#now()
    const expiresAtMs = nowMs + this.#leaseMs
    if (entry === null || entry.operation !== 'PUT') {
      if (entry !== null) this.#logger.warn('the controller lease was deleted: epochs restart at 1')
      const lease: Lease = { holder: candidateId, controllerEpoch: 1, expiresAtMs }
      return this.#compareAndSet(lease, () => this.#kv.create(key, encodeLease(lease)))
    }
    const current = decodeLease(entry.value)
    if (!isFree(current, nowMs)) return undefined
    const lease: Lease = {
      holder: candidateId,
      controllerEpoch: current.controllerEpoch + 1,
      expiresAtMs,
    }
    return this.#compareAndSet(lease, () =>
      this.#kv.update(key, encodeLease(lease), entry.revision),
    )
  }

  async #compareAndSet(lease: Lease, write: () => Promise<number>): Promise<Taken | undefined> {
    try {
      return { lease, revision: await write() }
    } catch (error) {
      if (isWrongLastSequence(error)) return undefined
      throw error
    }
  }

  #writer(): LeaseWriter {
    return {
      write: async (lease, revision) =>
        (
          await this.#compareAndSet(lease, () =>
            this.#kv.update(this.names.controllerLeaseKey, encodeLease(lease), revision),
          )
        )?.revision,
    }
  }

  /** Gives back a lease taken by a campaign that was closed meanwhile. */
  async #release(taken: Taken): Promise<void> {
    const free: Lease = { ...taken.lease, holder: null, expiresAtMs: 0 }
    await this.#writer()
      .write(free, taken.revision)
      .catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'could not release the controller lease')
      })
  }

  #lead(candidateId: string, taken: Taken): NatsLeadership {
    const leadership = new NatsLeadership({
      candidateId,
      controllerEpoch: taken.lease.controllerEpoch,
      revision: taken.revision,
      expiresAtMs: taken.lease.expiresAtMs,
      leaseMs: this.#leaseMs,
      renewIntervalMs: this.#renewIntervalMs,
      now: this.#now,
      writer: this.#writer(),
      logger: this.#logger,
      ended: (ended) => this.#held.delete(ended),
    })
    this.#held.add(leadership)
    return leadership
  }
}

function closedError(): TributaryError {
  return new TributaryError(ErrorCode.NotController, 'the controller election is closed')
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidConfigError(`NATS election: ${name} must be a positive integer`)
  }
}

export { DEFAULT_CANDIDATE_POLL_INTERVAL_MS, DEFAULT_CONTROLLER_LEASE_MS }
