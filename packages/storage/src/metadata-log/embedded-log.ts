import {
  decodeMetadataRecord,
  ErrorCode,
  encodeMetadataRecord,
  type Logger,
  type MetadataAppendOptions,
  type MetadataLog,
  type MetadataLogEntry,
  type MetadataRecord,
  type MetadataSubscription,
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
import { Follower } from './follower.ts'

/**
 * How often followers look for entries appended by another process or another instance on the
 * same file. Appends through the same instance reach its followers at once, without waiting.
 */
export const DEFAULT_METADATA_POLL_INTERVAL_MS = 100

export interface EmbeddedMetadataLogOptions extends MetadataFileOptions {
  /** Default {@link DEFAULT_METADATA_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number
  readonly logger?: Logger
  /** Wall clock for entry timestamps, ms. Default Date.now. */
  readonly now?: () => number
}

interface EntryRow {
  offset: number
  controller_epoch: number
  timestamp: number
  record: string
}

/**
 * The metadata log in one SQLite file, for combined mode and for a controller on one machine.
 *
 * Appends are fenced inside one `BEGIN IMMEDIATE` transaction: the log must end at the caller's
 * `expectedLastOffset` and the caller's controller epoch must not be older than the last entry's,
 * or nothing is written and the append rejects with NOT_CONTROLLER. Several instances and
 * processes may share the file: SQLite's write lock orders their appends, and followers poll for
 * appends they did not make (see {@link DEFAULT_METADATA_POLL_INTERVAL_MS}).
 */
export class EmbeddedMetadataLog implements MetadataLog {
  readonly path: string
  readonly #db: SqlDatabase
  readonly #logger: Logger
  readonly #now: () => number
  readonly #pollIntervalMs: number
  readonly #tail: SqlStatement<{ offset: number; controller_epoch: number }>
  readonly #maxOffset: SqlStatement<{ last: number | null }>
  readonly #insert: SqlStatement
  readonly #readFrom: SqlStatement<EntryRow>
  readonly #followers = new Set<Follower>()
  #poll: ReturnType<typeof setInterval> | undefined
  #closed = false

  private constructor(
    db: SqlDatabase,
    path: string,
    options: EmbeddedMetadataLogOptions,
    pollIntervalMs: number,
  ) {
    this.#db = db
    this.path = path
    this.#logger = options.logger ?? silentLogger
    this.#now = options.now ?? Date.now
    this.#pollIntervalMs = pollIntervalMs
    // `offset` is a keyword in SQL, hence the quotes.
    this.#tail = db.prepare(
      'SELECT "offset", controller_epoch FROM metadata_log ORDER BY "offset" DESC LIMIT 1',
    )
    this.#maxOffset = db.prepare('SELECT max("offset") AS last FROM metadata_log')
    this.#insert = db.prepare(
      'INSERT INTO metadata_log ("offset", controller_epoch, timestamp, record) VALUES (?, ?, ?, ?)',
    )
    this.#readFrom = db.prepare(
      'SELECT "offset", controller_epoch, timestamp, record FROM metadata_log WHERE "offset" >= ? ORDER BY "offset" LIMIT ?',
    )
  }

  /** Opens (creating if missing) the log in `dir` (its `metadata.sqlite`) or at `path`. */
  static async open(
    options: MetadataLocation & EmbeddedMetadataLogOptions,
  ): Promise<EmbeddedMetadataLog> {
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_METADATA_POLL_INTERVAL_MS
    requirePositiveInteger('pollIntervalMs', pollIntervalMs)
    const { db, path } = await openMetadataDatabase(options, options)
    try {
      return new EmbeddedMetadataLog(db, path, options, pollIntervalMs)
    } catch (error) {
      db.close()
      throw new StorageError(`cannot open metadata log ${path}`, { cause: error })
    }
  }

  /**
   * Appends `records` in one transaction after checking the fence. An empty `records` writes
   * nothing but is fenced all the same, so it answers "is the log still where I think it is?"
   * and resolves with the last offset.
   */
  async append(
    records: readonly MetadataRecord[],
    options: MetadataAppendOptions,
  ): Promise<number> {
    this.#requireOpen()
    const { controllerEpoch, expectedLastOffset } = options
    requireInteger('controllerEpoch', controllerEpoch, 0)
    requireInteger('expectedLastOffset', expectedLastOffset, -1)
    const texts = records.map(encode)
    const timestamp = this.#now()
    const last = this.#guard('append', () =>
      this.#db.transaction(() => {
        const tail = this.#tail.get()
        const lastOffset = tail?.offset ?? -1
        if (lastOffset !== expectedLastOffset) {
          throw notController(
            `the metadata log ends at offset ${lastOffset}, not at the expected ${expectedLastOffset}`,
          )
        }
        if (tail !== undefined && controllerEpoch < tail.controller_epoch) {
          throw notController(
            `controller epoch ${controllerEpoch} is older than the last entry's ${tail.controller_epoch}`,
          )
        }
        let offset = lastOffset
        for (const text of texts) this.#insert.run(++offset, controllerEpoch, timestamp, text)
        return offset
      }),
    )
    if (texts.length > 0) for (const follower of this.#followers) follower.wake()
    return last
  }

  async read(fromOffset: number, maxEntries?: number): Promise<MetadataLogEntry[]> {
    this.#requireOpen()
    requireInteger('fromOffset', fromOffset, 0)
    if (maxEntries !== undefined) requireInteger('maxEntries', maxEntries, 0)
    // LIMIT -1 is SQLite's "no limit".
    return this.#guard('read', () => this.#readEntries(fromOffset, maxEntries ?? -1))
  }

  async lastOffset(): Promise<number> {
    this.#requireOpen()
    return this.#guard('lastOffset', () => this.#maxOffset.get()?.last ?? -1)
  }

  /**
   * Delivers the entries from `fromOffset` on, then new ones, in order and each once (see
   * {@link Follower}). Delivery starts on a microtask, after `follow` has returned. `onError`
   * hears read failures and anything `onEntry` throws (delivery goes on after the latter); a
   * damaged entry is reported and ends the subscription. Without `onError`, the logger hears them.
   */
  follow(
    fromOffset: number,
    onEntry: (entry: MetadataLogEntry) => void,
    onError?: (error: unknown) => void,
  ): MetadataSubscription {
    this.#requireOpen()
    requireInteger('fromOffset', fromOffset, 0)
    const follower = new Follower({
      fromOffset,
      read: (from, max) => this.#guard('follow', () => this.#readEntries(from, max, true)),
      onEntry,
      onError:
        onError ??
        ((error) => this.#logger.error({ err: error, path: this.path }, 'metadata follow failed')),
      onClose: (closed) => {
        this.#followers.delete(closed)
        if (this.#followers.size === 0) this.#stopPolling()
      },
    })
    this.#followers.add(follower)
    this.#poll ??= setInterval(() => this.#pollTail(), this.#pollIntervalMs)
    follower.wake()
    return follower
  }

  /** Stops every subscription and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const follower of [...this.#followers]) follower.close()
    this.#stopPolling()
    this.#db.close()
  }

  /**
   * Entries from `fromOffset` on. A damaged entry throws decodeMetadataRecord's error; with
   * `upToDamage`, the good entries before it are returned first, and the next read throws.
   */
  #readEntries(fromOffset: number, maxEntries: number, upToDamage = false): MetadataLogEntry[] {
    const entries: MetadataLogEntry[] = []
    for (const row of this.#readFrom.all(fromOffset, maxEntries)) {
      let record: MetadataRecord
      try {
        record = decodeMetadataRecord(row.record)
      } catch (error) {
        if (upToDamage && entries.length > 0) return entries
        this.#logger.error({ err: error, offset: row.offset, path: this.path }, 'damaged entry')
        throw error
      }
      entries.push({
        offset: row.offset,
        controllerEpoch: row.controller_epoch,
        timestamp: row.timestamp,
        record,
      })
    }
    return entries
  }

  /** One cheap query (the rowid b-tree's last key) finds appends made elsewhere. */
  #pollTail(): void {
    let last: number
    try {
      last = this.#maxOffset.get()?.last ?? -1
    } catch (error) {
      this.#logger.warn({ err: error, path: this.path }, 'metadata log poll failed')
      // Let every follower try, and report, its own read.
      last = Number.POSITIVE_INFINITY
    }
    for (const follower of this.#followers) if (follower.nextOffset <= last) follower.wake()
  }

  #stopPolling(): void {
    if (this.#poll === undefined) return
    clearInterval(this.#poll)
    this.#poll = undefined
  }

  #requireOpen(): void {
    if (this.#closed) throw new StorageError(`metadata log ${this.path} is closed`)
  }

  /** Runs a SQLite operation; a failure that is not already ours becomes a StorageError. */
  #guard<T>(what: string, operation: () => T): T {
    this.#requireOpen()
    try {
      return operation()
    } catch (error) {
      if (error instanceof TributaryError) throw error
      throw new StorageError(`metadata log ${what} failed in ${this.path}`, { cause: error })
    }
  }
}

function notController(message: string): TributaryError {
  return new TributaryError(ErrorCode.NotController, `${message}: append refused`)
}

function encode(record: MetadataRecord): string {
  try {
    return encodeMetadataRecord(record)
  } catch (error) {
    throw new TributaryError(ErrorCode.InvalidRecord, 'not a valid metadata record', {
      cause: error,
    })
  }
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TributaryError(ErrorCode.InvalidRequest, `${name} must be an integer >= ${min}`)
  }
}
