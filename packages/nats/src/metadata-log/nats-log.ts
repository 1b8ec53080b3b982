import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import {
  ErrorCode,
  InvalidConfigError,
  type Logger,
  type MetadataAppendOptions,
  type MetadataLog,
  type MetadataLogEntry,
  type MetadataRecord,
  type MetadataSubscription,
  type NatsNames,
  natsNames,
  StorageError,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import { isWrongLastSequence } from '../connection/index.ts'
import {
  damagedAt,
  decodePosition,
  decodeRecords,
  encodeAppend,
  encodeRecords,
  type MessagePosition,
} from './message-codec.ts'
import { NatsFollower } from './nats-follower.ts'
import { OffsetIndex } from './offset-index.ts'
import { ensureMetadataStream, lastMessage, lastSeq, readRange } from './stream.ts'

/** How many copies of the metadata stream JetStream keeps, unless told otherwise. */
export const DEFAULT_METADATA_REPLICAS = 1

/** Options of {@link NatsMetadataLog.open}. */
export interface NatsMetadataLogOptions {
  /** An open connection, borrowed: the log never closes it (close it after the log). */
  readonly connection: NatsConnection
  /** Names the stream and subject through core's `natsNames`. */
  readonly clusterId: string
  /** Replicas of the stream if this call creates it; default {@link DEFAULT_METADATA_REPLICAS}. */
  readonly replicas?: number
  readonly logger?: Logger
}

/** Where the stream ends: its last message's sequence, last offset and controller epoch. */
interface Tail {
  readonly seq: number
  readonly lastOffset: number
  readonly controllerEpoch: number
}

/**
 * The metadata log as a JetStream stream (`names.metadataStream` on `names.metadataSubject`), for
 * clusters: every controller, broker and gateway opens one on its own connection.
 *
 * One append is one message (see message-codec.ts), so its records land together or not at all.
 * Appends are fenced twice: the log must end at the caller's `expectedLastOffset`, and its last
 * entry must not carry a newer controller epoch than the caller's, both checked against the
 * stream's last message; the publish then names that message's sequence as the expected last
 * one, so if anyone appended in between, JetStream refuses it. Either refusal is NOT_CONTROLLER
 * and nothing is written. An append resolves once JetStream acknowledged it (stored on every
 * replica's disk, fsynced where the server syncs always: see the test harness's config).
 */
export class NatsMetadataLog implements MetadataLog {
  readonly names: NatsNames
  readonly #js: JetStreamClient
  readonly #jsm: JetStreamManager
  readonly #logger: Logger
  readonly #index = new OffsetIndex()
  readonly #followers = new Set<NatsFollower>()
  /** Index catch-ups, one after another. */
  #indexing: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(names: NatsNames, js: JetStreamClient, jsm: JetStreamManager, log: Logger) {
    this.names = names
    this.#js = js
    this.#jsm = jsm
    this.#logger = log
  }

  /** Opens the log of cluster `clusterId`, creating its stream if missing. */
  static async open(options: NatsMetadataLogOptions): Promise<NatsMetadataLog> {
    const names = natsNames(options.clusterId)
    const replicas = options.replicas ?? DEFAULT_METADATA_REPLICAS
    if (!Number.isSafeInteger(replicas) || replicas < 1) {
      throw new InvalidConfigError('NATS metadata log: replicas must be a positive integer')
    }
    const logger = (options.logger ?? silentLogger).child({ stream: names.metadataStream })
    try {
      const jsm = await jetstreamManager(options.connection)
      await ensureMetadataStream(jsm, names, replicas)
      return new NatsMetadataLog(names, jetstream(options.connection), jsm, logger)
    } catch (error) {
      throw new StorageError(`cannot open metadata stream ${names.metadataStream}`, {
        cause: error,
      })
    }
  }

  /**
   * Appends `records` as one message after checking the fence. An empty `records` writes nothing
   * but is fenced all the same, and resolves with the last offset.
   */
  async append(
    records: readonly MetadataRecord[],
    options: MetadataAppendOptions,
  ): Promise<number> {
    this.#requireOpen()
    const { controllerEpoch, expectedLastOffset } = options
    requireInteger('controllerEpoch', controllerEpoch, 0)
    requireInteger('expectedLastOffset', expectedLastOffset, -1)
    const texts = encodeRecords(records)
    const tail = await this.#guard('append', () => this.#tail())
    if (tail.lastOffset !== expectedLastOffset) {
      throw notController(
        `the metadata log ends at offset ${tail.lastOffset}, not at the expected ${expectedLastOffset}`,
      )
    }
    if (controllerEpoch < tail.controllerEpoch) {
      throw notController(
        `controller epoch ${controllerEpoch} is older than the last entry's ${tail.controllerEpoch}`,
      )
    }
    if (texts.length === 0) return tail.lastOffset
    const firstOffset = tail.lastOffset + 1
    const { headers, body } = encodeAppend(texts, firstOffset, controllerEpoch)
    const ack = await this.#guard('append', async () => {
      try {
        return await this.#js.publish(this.names.metadataSubject, body, {
          headers,
          expect: { lastSequence: tail.seq, streamName: this.names.metadataStream },
        })
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error
        throw notController('another controller appended to the metadata log meanwhile', error)
      }
    })
    const lastOffset = firstOffset + texts.length - 1
    this.#index.add(ack.seq, { firstOffset, lastOffset, controllerEpoch })
    return lastOffset
  }

  /**
   * Entries from `fromOffset` on, at most `maxEntries`: the offset index (caught up first) names
   * the messages holding them, and one ordered consumer fetches just those.
   */
  async read(fromOffset: number, maxEntries?: number): Promise<MetadataLogEntry[]> {
    this.#requireOpen()
    requireInteger('fromOffset', fromOffset, 0)
    if (maxEntries !== undefined) requireInteger('maxEntries', maxEntries, 0)
    if (maxEntries === 0) return []
    return this.#guard('read', async () => {
      const { damaged } = await this.#catchUpIndex()
      const last = this.#index.lastOffset
      const wanted =
        maxEntries === undefined ? Number.POSITIVE_INFINITY : fromOffset + maxEntries - 1
      // Entries up to a damaged message are served; a read reaching it fails, as follow does.
      if (damaged !== undefined && wanted > last) throw damaged
      const fromSeq = this.#index.seqOf(fromOffset)
      if (fromSeq === undefined) return []
      const untilOffset = Math.min(last, wanted)
      const untilSeq = this.#index.seqOf(untilOffset) ?? this.#index.lastSeq
      const entries: MetadataLogEntry[] = []
      for (const message of await readRange(this.#js, this.names, fromSeq, untilSeq, false)) {
        const position = decodePosition(message.headers, message.seq)
        const records = decodeRecords(message.data, position, message.seq)
        for (const [index, record] of records.entries()) {
          const offset = position.firstOffset + index
          if (offset < fromOffset || offset > untilOffset) continue
          const { controllerEpoch } = position
          entries.push({ offset, controllerEpoch, timestamp: message.timestampMs, record })
        }
      }
      return entries
    })
  }

  /** The last offset, from the stream's last message's headers (-1 while it is empty). */
  async lastOffset(): Promise<number> {
    this.#requireOpen()
    return this.#guard('lastOffset', async () => (await this.#tail()).lastOffset)
  }

  /**
   * Delivers the entries from `fromOffset` on, then new ones, in order and each once (see
   * {@link NatsFollower}); delivery starts after `follow` has returned. Without `onError`, the
   * logger hears failures.
   */
  follow(
    fromOffset: number,
    onEntry: (entry: MetadataLogEntry) => void,
    onError?: (error: unknown) => void,
  ): MetadataSubscription {
    this.#requireOpen()
    requireInteger('fromOffset', fromOffset, 0)
    const follower = new NatsFollower({
      fromOffset,
      onEntry,
      onError: onError ?? ((error) => this.#logger.error({ err: error }, 'metadata follow failed')),
      open: async (from) => {
        await this.#catchUpIndex()
        // The message holding `from`, or the next one to be appended.
        const startSeq = this.#index.seqOf(from) ?? this.#index.lastSeq + 1
        return this.#js.consumers.get(this.names.metadataStream, {
          filter_subjects: this.names.metadataSubject,
          opt_start_seq: startSeq,
        })
      },
      note: (seq, position) => this.#index.add(seq, position),
      onClose: (closed) => this.#followers.delete(closed),
    })
    this.#followers.add(follower)
    return follower
  }

  /** Stops every subscription of this instance; the connection stays open. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const follower of [...this.#followers]) follower.close()
  }

  /** The stream's last message, as the fence sees it. */
  async #tail(): Promise<Tail> {
    const last = await lastMessage(this.#jsm, this.names)
    if (last === null) return { seq: 0, lastOffset: -1, controllerEpoch: 0 }
    const { lastOffset, controllerEpoch } = decodePosition(last.headers, last.seq)
    return { seq: last.seq, lastOffset, controllerEpoch }
  }

  /**
   * Brings the offset index up to the stream's current end, reading the headers of the messages
   * it lacks, or up to the first damaged message, which it answers with. Catch-ups run one after
   * another, each from where the last stopped.
   */
  #catchUpIndex(): Promise<{ readonly damaged?: TributaryError }> {
    const run = this.#indexing.then(async () => {
      const endSeq = await lastSeq(this.#jsm, this.names)
      if (endSeq <= this.#index.lastSeq) return {}
      const messages = await readRange(this.#js, this.names, this.#index.lastSeq + 1, endSeq, true)
      for (const message of messages) {
        let position: MessagePosition
        try {
          position = decodePosition(message.headers, message.seq)
        } catch (error) {
          if (error instanceof TributaryError) return { damaged: error }
          throw error
        }
        const next = this.#index.lastOffset + 1
        if (!this.#index.add(message.seq, position) && position.firstOffset > next) {
          const gap = `it skips from offset ${next} to ${position.firstOffset}`
          return { damaged: damagedAt(message.seq, gap) }
        }
      }
      return {}
    })
    this.#indexing = run.catch(() => {})
    return run
  }

  #requireOpen(): void {
    if (this.#closed) throw new StorageError(`metadata log ${this.names.metadataStream} is closed`)
  }

  /** Runs a JetStream operation; a failure that is not already ours becomes a StorageError. */
  async #guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      if (error instanceof TributaryError) throw error
      throw new StorageError(`metadata log ${what} failed on ${this.names.metadataStream}`, {
        cause: error,
      })
    }
  }
}

function notController(message: string, cause?: unknown): TributaryError {
  return new TributaryError(ErrorCode.NotController, `${message}: append refused`, { cause })
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TributaryError(ErrorCode.InvalidRequest, `${name} must be an integer >= ${min}`)
  }
}
