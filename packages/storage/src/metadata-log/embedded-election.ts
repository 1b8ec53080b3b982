import {
  type ControllerElection,
  type ControllerLeadership,
  DEFAULT_CANDIDATE_POLL_INTERVAL_MS,
  DEFAULT_CONTROLLER_LEASE_MS,
  ErrorCode,
  InvalidConfigError,
  type Logger,
  StorageError,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import type { SqlDatabase, SqlStatement } from '../driver/index.ts'
import {
  type MetadataFileOptions,
  type MetadataLocation,
  openMetadataDatabase,
  requirePositiveInteger,
} from './database.ts'
import { Leadership, type LeaseStore } from './leadership.ts'

export interface EmbeddedControllerElectionOptions extends MetadataFileOptions {
  /** Default {@link DEFAULT_CONTROLLER_LEASE_MS}. */
  readonly leaseMs?: number
  /** How often the holder renews; below `leaseMs`. Default a third of `leaseMs`. */
  readonly renewIntervalMs?: number
  /** Default {@link DEFAULT_CANDIDATE_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number
  readonly logger?: Logger
  /**
   * The clock leases are measured on, ms. Default Date.now. Every process sharing the file must
   * use the same clock (they share a machine); tests inject one to expire leases at will.
   */
  readonly now?: () => number
}

interface LeaseRow {
  holder: string | null
  controller_epoch: number
  expires_at_ms: number
}

interface PendingCampaign {
  timer: ReturnType<typeof setTimeout> | undefined
  reject(error: unknown): void
}

/**
 * Controller election on one machine: a lease row in the metadata file, changed only by
 * compare-and-set inside `BEGIN IMMEDIATE` transactions, so candidates in any number of
 * processes sharing the file never both hold it. Each term's epoch is the last one plus 1,
 * persisted with the lease, so epochs only grow, also across restarts.
 *
 * A candidate whose lease expired (not renewed in time) loses it even if nobody took it: it must
 * campaign again and gets a new epoch, which fences anything it appends with the old one.
 */
export class EmbeddedControllerElection implements ControllerElection {
  readonly path: string
  readonly #db: SqlDatabase
  readonly #logger: Logger
  readonly #now: () => number
  readonly #leaseMs: number
  readonly #renewIntervalMs: number
  readonly #pollIntervalMs: number
  readonly #select: SqlStatement<LeaseRow>
  readonly #take: SqlStatement
  readonly #renew: SqlStatement
  readonly #release: SqlStatement
  readonly #pending = new Set<PendingCampaign>()
  readonly #held = new Set<Leadership>()
  #closed = false

  private constructor(db: SqlDatabase, path: string, options: EmbeddedControllerElectionOptions) {
    this.#db = db
    this.path = path
    this.#logger = options.logger ?? silentLogger
    this.#now = options.now ?? Date.now
    this.#leaseMs = options.leaseMs ?? DEFAULT_CONTROLLER_LEASE_MS
    this.#renewIntervalMs = options.renewIntervalMs ?? Math.max(1, Math.floor(this.#leaseMs / 3))
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_CANDIDATE_POLL_INTERVAL_MS
    this.#select = db.prepare(
      'SELECT holder, controller_epoch, expires_at_ms FROM controller_lease WHERE id = 0',
    )
    // Each write names the state it expects, so it changes one row or none.
    this.#take = db.prepare(
      'UPDATE controller_lease SET holder = ?, controller_epoch = ?, expires_at_ms = ? WHERE id = 0 AND controller_epoch = ? AND (holder IS NULL OR expires_at_ms <= ?)',
    )
    this.#renew = db.prepare(
      'UPDATE controller_lease SET expires_at_ms = ? WHERE id = 0 AND holder = ? AND controller_epoch = ? AND expires_at_ms > ?',
    )
    this.#release = db.prepare(
      'UPDATE controller_lease SET holder = NULL, expires_at_ms = ? WHERE id = 0 AND holder = ? AND controller_epoch = ?',
    )
  }

  /** Opens (creating if missing) the election in `dir` (its `metadata.sqlite`) or at `path`. */
  static async open(
    options: MetadataLocation & EmbeddedControllerElectionOptions,
  ): Promise<EmbeddedControllerElection> {
    const leaseMs = options.leaseMs ?? DEFAULT_CONTROLLER_LEASE_MS
    requirePositiveInteger('leaseMs', leaseMs)
    if (options.renewIntervalMs !== undefined) {
      requirePositiveInteger('renewIntervalMs', options.renewIntervalMs)
      if (options.renewIntervalMs >= leaseMs) {
        throw new InvalidConfigError('embedded election: renewIntervalMs must be below leaseMs')
      }
    }
    if (options.pollIntervalMs !== undefined) {
      requirePositiveInteger('pollIntervalMs', options.pollIntervalMs)
    }
    const { db, path } = await openMetadataDatabase(options, options)
    try {
      return new EmbeddedControllerElection(db, path, options)
    } catch (error) {
      db.close()
      throw new StorageError(`cannot open controller election ${path}`, { cause: error })
    }
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
      const attempt = () => {
        pending.timer = undefined
        if (this.#closed) return
        let epoch: number | undefined
        try {
          epoch = this.#tryTake(candidateId)
          failing = false
        } catch (error) {
          if (!failing) this.#logger.warn({ err: error, candidateId }, 'campaign attempt failed')
          failing = true
        }
        if (epoch === undefined) {
          pending.timer = setTimeout(attempt, this.#pollIntervalMs)
          return
        }
        this.#pending.delete(pending)
        this.#logger.info({ candidateId, controllerEpoch: epoch }, 'became the active controller')
        resolve(this.#lead(candidateId, epoch))
      }
      this.#pending.add(pending)
      attempt()
    })
  }

  /** Rejects pending campaigns, resigns every leadership held, and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const pending of this.#pending) {
      clearTimeout(pending.timer)
      pending.reject(closedError())
    }
    this.#pending.clear()
    await Promise.all([...this.#held].map((leadership) => leadership.resign()))
    this.#db.close()
  }

  /** Takes the lease if it is free or expired; the new epoch, or undefined if it is held. */
  #tryTake(candidateId: string): number | undefined {
    // A plain read first, so waiting candidates do not queue on the write lock.
    const seen = this.#select.get()
    if (seen !== undefined && seen.holder !== null && seen.expires_at_ms > this.#now()) {
      return undefined
    }
    return this.#db.transaction(() => {
      const row = this.#select.get()
      if (row === undefined) throw new StorageError(`controller lease row missing in ${this.path}`)
      const now = this.#now()
      const epoch = row.controller_epoch + 1
      const taken = this.#take.run(
        candidateId,
        epoch,
        now + this.#leaseMs,
        row.controller_epoch,
        now,
      )
      return taken.changes === 1 ? epoch : undefined
    })
  }

  #lead(candidateId: string, controllerEpoch: number): Leadership {
    const store: LeaseStore = {
      renew: () =>
        this.#db.transaction(() => {
          const now = this.#now()
          return (
            this.#renew.run(now + this.#leaseMs, candidateId, controllerEpoch, now).changes === 1
          )
        }),
      release: () => {
        this.#db.transaction(() => {
          this.#release.run(this.#now(), candidateId, controllerEpoch)
        })
      },
      ended: () => this.#held.delete(leadership),
    }
    const leadership = new Leadership({
      candidateId,
      controllerEpoch,
      renewIntervalMs: this.#renewIntervalMs,
      store,
      logger: this.#logger,
    })
    this.#held.add(leadership)
    return leadership
  }
}

function closedError(): TributaryError {
  return new TributaryError(ErrorCode.NotController, 'the controller election is closed')
}

export { DEFAULT_CANDIDATE_POLL_INTERVAL_MS, DEFAULT_CONTROLLER_LEASE_MS }
