import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream'
import type { MsgHdrs } from '@nats-io/nats-core'
import type { NatsNames } from '@tributary/core'
import { isStreamNotFound } from '../connection/index.ts'

/** How many messages one fetch of a range read asks for. */
const READ_BATCH_MESSAGES = 256
/**
 * How long the server may hold one fetch of a range read. The messages asked for exist, so a
 * fetch ends as soon as they have arrived; this only bounds a fetch that finds fewer.
 */
const READ_EXPIRES_MS = 5_000

/** A stored message of the metadata stream, as a range read or a follow delivers it. */
export interface StreamMessage {
  readonly seq: number
  readonly headers: MsgHdrs | undefined
  /** Empty in a header-only read. */
  readonly data: Uint8Array
  /** When JetStream stored it, ms. */
  readonly timestampMs: number
}

/** A consumer's message as a {@link StreamMessage}. */
export function streamMessage(message: JsMsg): StreamMessage {
  return {
    seq: message.seq,
    headers: message.headers,
    data: message.data,
    timestampMs: Math.floor(message.info.timestampNanos / 1e6),
  }
}

/**
 * Creates the metadata stream unless it exists: file storage, `replicas` copies, no limits (a
 * metadata log is never trimmed by age, count or size), and no deleting or purging messages, so
 * stream sequences stay contiguous and nobody can cut a hole in the log through the API. Any
 * number of processes may call this at once: JetStream creates a stream once and answers an
 * identical create with the existing stream; an existing stream is used as it is.
 */
export async function ensureMetadataStream(
  jsm: JetStreamManager,
  names: NatsNames,
  replicas: number,
): Promise<void> {
  try {
    await jsm.streams.info(names.metadataStream)
    return
  } catch (error) {
    if (!isStreamNotFound(error)) throw error
  }
  try {
    await jsm.streams.add({
      name: names.metadataStream,
      subjects: [names.metadataSubject],
      storage: StorageType.File,
      num_replicas: replicas,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_msgs: -1,
      max_bytes: -1,
      max_age: 0,
      max_msgs_per_subject: -1,
      deny_delete: true,
      deny_purge: true,
    })
  } catch (error) {
    // Created meanwhile by another process with other settings (say, other replicas): use it.
    await jsm.streams.info(names.metadataStream).catch(() => {
      throw error
    })
  }
}

/** The last message of the metadata stream, headers and body; null while it is empty. */
export async function lastMessage(
  jsm: JetStreamManager,
  names: NatsNames,
): Promise<StreamMessage | null> {
  const stored = await jsm.streams.getMessage(names.metadataStream, {
    last_by_subj: names.metadataSubject,
  })
  if (stored === null) return null
  return {
    seq: stored.seq,
    headers: stored.header,
    data: stored.data,
    timestampMs: stored.time.getTime(),
  }
}

/** The stream sequence of the metadata stream's last message (0 while it is empty). */
export async function lastSeq(jsm: JetStreamManager, names: NatsNames): Promise<number> {
  const info = await jsm.streams.info(names.metadataStream)
  return info.state.last_seq
}

/**
 * The messages with stream sequences `fromSeq` to `toSeq`, in order, through a short-lived ordered
 * consumer (deleted afterwards); `headersOnly` leaves their bodies on the server.
 */
export async function readRange(
  js: JetStreamClient,
  names: NatsNames,
  fromSeq: number,
  toSeq: number,
  headersOnly: boolean,
): Promise<StreamMessage[]> {
  if (toSeq < fromSeq) return []
  const consumer = await js.consumers.get(names.metadataStream, {
    filter_subjects: names.metadataSubject,
    opt_start_seq: fromSeq,
    headers_only: headersOnly,
  })
  try {
    const messages: StreamMessage[] = []
    let next = fromSeq
    while (next <= toSeq) {
      const batch = await consumer.fetch({
        max_messages: Math.min(READ_BATCH_MESSAGES, toSeq - next + 1),
        expires: READ_EXPIRES_MS,
      })
      const before = messages.length
      for await (const message of batch) {
        if (message.seq > toSeq) {
          next = message.seq
          break
        }
        messages.push(streamMessage(message))
        next = message.seq + 1
      }
      if (messages.length === before) {
        throw new Error(`metadata stream: no message at or after sequence ${next} (up to ${toSeq})`)
      }
    }
    return messages
  } finally {
    consumer.delete().catch(() => {})
  }
}
