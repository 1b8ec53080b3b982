import type { Consumer, ConsumerMessages } from '@nats-io/jetstream'
import {
  type MetadataLogEntry,
  type MetadataSubscription,
  StorageError,
  TributaryError,
} from '@tributary/core'
import { damagedAt, decodePosition, decodeRecords, type MessagePosition } from './message-codec.ts'
import { type StreamMessage, streamMessage } from './stream.ts'

/** How long a follow waits before trying again to start after a failure. */
const RESTART_DELAY_MS = 1_000
/**
 * How long each pull of a follow's consumer lasts. The client expects a server heartbeat every
 * half of it and recreates the consumer after two missed ones (say, after a nats-server restart
 * lost it), so this bounds how long a follow stalls after such an event.
 */
const CONSUME_EXPIRES_MS = 5_000

/** What a {@link NatsFollower} needs from its log. */
export interface NatsFollowerOptions {
  readonly fromOffset: number
  readonly onEntry: (entry: MetadataLogEntry) => void
  /** Hears start and read failures, damaged messages and errors thrown by `onEntry`. */
  readonly onError: (error: unknown) => void
  /** An ordered consumer starting at (or before) the message holding `fromOffset`. */
  readonly open: (fromOffset: number) => Promise<Consumer>
  /** Tells the log's offset index about a message seen. */
  readonly note: (seq: number, position: MessagePosition) => void
  /** Called once, when the subscription closes for any reason. */
  readonly onClose: (follower: NatsFollower) => void
}

/**
 * One `follow` subscription on a JetStream ordered consumer. The consumer delivers the stream's
 * messages in stream order, each once, recreating itself at the next sequence whenever it sees a
 * gap or loses the server; on top of that the follower remembers the next offset to deliver and
 * skips anything before it, so entries arrive in order and each once, from `fromOffset` on.
 *
 * A failure to start is reported once and retried; a damaged message (a non-retriable
 * TributaryError) is reported and ends the subscription, since skipping it would leave a hole in
 * every replayed image; an error thrown by `onEntry` is reported and delivery goes on.
 */
export class NatsFollower implements MetadataSubscription {
  readonly #options: NatsFollowerOptions
  #nextOffset: number
  #closed = false
  #consumer: Consumer | undefined
  #messages: ConsumerMessages | undefined
  #restart: ReturnType<typeof setTimeout> | undefined

  constructor(options: NatsFollowerOptions) {
    this.#options = options
    this.#nextOffset = options.fromOffset
    void this.#run(false)
  }

  /** The next offset this subscription will deliver. */
  get nextOffset(): number {
    return this.#nextOffset
  }

  /** Stops delivery at once and deletes the consumer. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#restart)
    this.#messages?.stop()
    this.#consumer?.delete().catch(() => {})
    this.#options.onClose(this)
  }

  async #run(failedBefore: boolean): Promise<void> {
    let failed = failedBefore
    try {
      const consumer = await this.#options.open(this.#nextOffset)
      this.#consumer = consumer
      if (this.#closed) {
        consumer.delete().catch(() => {})
        return
      }
      const messages = await consumer.consume({ expires: CONSUME_EXPIRES_MS })
      this.#messages = messages
      if (this.#closed) messages.stop()
      failed = false
      for await (const message of messages) {
        if (this.#closed) return
        this.#deliver(streamMessage(message))
      }
      // The iterator ends when the connection closes.
      if (!this.#closed) throw new StorageError('metadata follow ended: the NATS connection closed')
    } catch (error) {
      if (this.#closed) return
      if (error instanceof TributaryError && !error.retriable) {
        this.#options.onError(error)
        this.close()
        return
      }
      if (!failed) this.#options.onError(asStorageError(error))
      this.#consumer?.delete().catch(() => {})
      this.#consumer = undefined
      this.#messages = undefined
      this.#restart = setTimeout(() => void this.#run(true), RESTART_DELAY_MS)
    }
  }

  /** Delivers the entries of `message` from the next offset on; throws on a damaged message. */
  #deliver(message: StreamMessage): void {
    const position = decodePosition(message.headers, message.seq)
    this.#options.note(message.seq, position)
    if (position.lastOffset < this.#nextOffset) return
    if (position.firstOffset > this.#nextOffset) {
      const gap = `it skips from offset ${this.#nextOffset} to ${position.firstOffset}`
      throw damagedAt(message.seq, gap)
    }
    const records = decodeRecords(message.data, position, message.seq)
    for (const [index, record] of records.entries()) {
      const offset = position.firstOffset + index
      if (offset < this.#nextOffset) continue
      if (this.#closed) return
      // Counted as delivered before the callback runs: a throwing callback gets no repeat.
      this.#nextOffset = offset + 1
      try {
        this.#options.onEntry({
          offset,
          controllerEpoch: position.controllerEpoch,
          timestamp: message.timestampMs,
          record,
        })
      } catch (error) {
        this.#options.onError(error)
      }
    }
  }
}

function asStorageError(error: unknown): unknown {
  if (error instanceof TributaryError) return error
  return new StorageError('metadata follow failed', { cause: error })
}
