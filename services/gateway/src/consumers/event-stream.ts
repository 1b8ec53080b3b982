import type { Logger } from '@tributary/core'
import { isUnexpected, toRestError } from '../errors/index.ts'
import type { CoordinatorClient } from './coordinator-client.ts'
import type { PollAnswer, Poller } from './poller.ts'

/** A comment line this often keeps proxies and clients from closing an idle stream. */
export const KEEP_ALIVE_MS = 15_000

/** The record a client last received, from its `Last-Event-ID`. */
export interface LastEventId {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/**
 * A `Last-Event-ID` header as the stream writes event ids (`<topic>:<partition>:<offset>`, see
 * records/records-writer.ts; topic names have no colon); undefined when absent or not one.
 */
export function parseLastEventId(header: string | undefined): LastEventId | undefined {
  const match = header === undefined ? null : /^(.+):([0-9]{1,10}):([0-9]{1,16})$/.exec(header)
  if (match === null) return undefined
  const partition = Number(match[2])
  const offset = Number(match[3])
  if (partition > 0x7fff_ffff || !Number.isSafeInteger(offset)) return undefined
  return { topic: match[1] as string, partition, offset }
}

/**
 * Where a reconnecting stream picks up: the partition of the last event it received reads on
 * from the record after it, and every other partition the instance owns goes back to its
 * committed offset (what the lost connection may have carried unseen is delivered again:
 * at-least-once on resume). A partition the instance no longer owns is left alone.
 */
export async function resumeAfter(
  coordinator: CoordinatorClient,
  answer: PollAnswer,
  request: { group: string; instance: string; last: LastEventId },
): Promise<void> {
  const { group, instance, last } = request
  const owned = answer.partitions
  const resumed = owned.find((tp) => tp.topic === last.topic && tp.partition === last.partition)
  const others = owned.filter((tp) => tp !== resumed)
  const committed =
    others.length === 0
      ? []
      : (
          await coordinator.call({
            op: 'committed',
            group,
            instance,
            partitions: others.map(({ topic, partition }) => ({ topic, partition })),
          })
        ).offsets
  const positions = committed.map(({ topic, partition, offset }) => ({ topic, partition, offset }))
  if (resumed !== undefined) {
    positions.unshift({ topic: last.topic, partition: last.partition, offset: last.offset + 1 })
  }
  if (positions.length > 0) await coordinator.call({ op: 'seek', group, instance, positions })
}

/** What {@link recordEventStream} streams, for whom, and until when. */
export interface EventStreamOptions {
  readonly poller: Poller
  readonly group: string
  readonly instance: string
  /** The answer of the poll made before the response started; undefined: poll first. */
  readonly first: PollAnswer | undefined
  readonly timeoutMs: number | undefined
  readonly maxBytes: number | undefined
  /** Ends the stream: the client went away or the gateway is closing. */
  readonly signal: AbortSignal
  readonly logger: Logger
  readonly keepAliveMs?: number
}

const encoder = new TextEncoder()

/**
 * An instance's records as Server-Sent Events: one `record` event per record (id
 * `<topic>:<partition>:<offset>`, data the record as the records route renders it), a
 * `: keep-alive` comment every {@link KEEP_ALIVE_MS}, and on a failure (the instance deleted or
 * expired …) one `error` event carrying the REST error body, after which the stream ends. Reads
 * happen only while the client takes what was sent (backpressure), each one a poll round.
 */
export function recordEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const { poller, group, instance, logger } = options
  // Closing the stream (cancelled by the client's side too) also stops a read in progress.
  const stopped = new AbortController()
  const signal = AbortSignal.any([options.signal, stopped.signal])
  let next = options.first
  let closed = false
  let keepAlive: ReturnType<typeof setInterval> | undefined
  let close = () => {}
  return new ReadableStream<Uint8Array>({
    start(controller) {
      close = () => {
        if (closed) return
        closed = true
        stopped.abort()
        clearInterval(keepAlive)
        signal.removeEventListener('abort', close)
        try {
          controller.close()
        } catch {
          // Already closed or errored by the consumer of the stream.
        }
      }
      keepAlive = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(': keep-alive\n\n'))
      }, options.keepAliveMs ?? KEEP_ALIVE_MS)
      signal.addEventListener('abort', close, { once: true })
      // Sends the headers at once, so the client sees the stream open before the first record.
      controller.enqueue(encoder.encode(`: records of ${group}/${instance}\n\n`))
      if (signal.aborted) close()
    },
    async pull(controller) {
      try {
        // A pull must enqueue something or the stream is never pulled again: read until it can.
        while (!closed) {
          const answer = next ?? (await poller.poll(group, instance))
          next = undefined
          const records = await poller.read(
            { group, instance, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, signal },
            answer,
            'event-stream',
          )
          if (closed) return
          if (records.count > 0) {
            controller.enqueue(records.body)
            return
          }
        }
      } catch (error) {
        if (closed) return
        if (isUnexpected(error))
          logger.error({ err: error, group, instance }, 'event stream failed')
        const body = JSON.stringify(toRestError(error).toBody())
        controller.enqueue(encoder.encode(`event: error\ndata: ${body}\n\n`))
        close()
      }
    },
    cancel() {
      close()
    },
  })
}
