import { CliError, UnreachableError } from '../errors/index.ts'
import type { ConsumedRecord, RestClient } from '../rest/index.ts'

/**
 * Reads several partitions of a topic through the stateless partition read, each with its own
 * long poll in flight, and hands their batches over round robin: after partition i's batch,
 * the next goes to the first partition after i that has one. One batch per partition waits
 * at most, so a slow handler slows the reads (no unbounded buffering).
 */

export interface PartitionStart {
  readonly partition: number
  readonly offset: number
}

export interface PartitionBatch {
  readonly partition: number
  /** Records at or past the requested offset, in offset order. */
  readonly records: readonly ConsumedRecord[]
  /** The read request's duration, in milliseconds. */
  readonly latencyMs: number
}

export interface ReadPartitionsOptions {
  readonly client: RestClient
  readonly topic: string
  readonly starts: readonly PartitionStart[]
  /** Reading stops (without error) once this aborts. */
  readonly signal: AbortSignal
  /** The `timeout` of each read: how long the server may hold it open when there is nothing. */
  readonly pollTimeoutMs: number
  readonly maxBytes: number
  readonly now?: () => number
  /** Retries of a retriable failure (503, 50003, lost connection) before giving up. */
  readonly maxRetries?: number
}

export const DEFAULT_POLL_TIMEOUT_MS = 1000
export const DEFAULT_MAX_BYTES = 1024 * 1024
const DEFAULT_MAX_RETRIES = 5
const RETRY_BACKOFF_MS = 200
/** An empty answer faster than this is not a long poll; wait a little before asking again. */
const EMPTY_READ_BACKOFF_MS = 100

type Outcome =
  | { readonly ok: true; readonly records: ConsumedRecord[]; readonly latencyMs: number }
  | { readonly ok: false; readonly error: unknown }

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

const isRetriable = (error: unknown): boolean =>
  error instanceof UnreachableError || (error instanceof CliError && error.retriable)

export const readPartitions = async (
  options: ReadPartitionsOptions,
  onBatch: (batch: PartitionBatch) => Promise<void> | void,
): Promise<void> => {
  const { client, topic, starts, signal } = options
  const now = options.now ?? (() => performance.now())
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  if (signal.aborted || starts.length === 0) return
  // Our own controller: stopping early (or failing) cancels every read still in flight.
  const inner = new AbortController()
  const stop = (): void => inner.abort()
  signal.addEventListener('abort', stop, { once: true })

  const offsets = starts.map((start) => start.offset)
  const retries = starts.map(() => 0)
  const ready: (Outcome | undefined)[] = starts.map(() => undefined)
  let wake = (): void => {}

  const read = (index: number, delayMs: number): void => {
    const run = async (): Promise<Outcome> => {
      await sleep(delayMs, inner.signal)
      const startedAt = now()
      const records = await client.readPartition({
        topic,
        partition: (starts[index] as PartitionStart).partition,
        offset: offsets[index] as number,
        maxBytes: options.maxBytes,
        timeoutMs: options.pollTimeoutMs,
        signal: inner.signal,
      })
      return { ok: true, records, latencyMs: now() - startedAt }
    }
    run()
      .catch((error: unknown): Outcome => ({ ok: false, error }))
      .then((outcome) => {
        ready[index] = outcome
        wake()
      })
  }

  const waitForReady = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve
      if (ready.some((outcome) => outcome !== undefined) || inner.signal.aborted) resolve()
    })
  inner.signal.addEventListener('abort', () => wake(), { once: true })

  try {
    for (let index = 0; index < starts.length; index++) read(index, 0)
    let cursor = 0
    while (!inner.signal.aborted) {
      await waitForReady()
      const first = cursor
      for (let step = 0; step < starts.length && !inner.signal.aborted; step++) {
        const index = (first + step) % starts.length
        const outcome = ready[index]
        if (outcome === undefined) continue
        ready[index] = undefined
        if (!outcome.ok) {
          if (inner.signal.aborted) return
          if (!isRetriable(outcome.error) || (retries[index] as number) >= maxRetries) {
            throw outcome.error
          }
          retries[index] = (retries[index] as number) + 1
          read(index, RETRY_BACKOFF_MS * 2 ** ((retries[index] as number) - 1))
          continue
        }
        retries[index] = 0
        const from = offsets[index] as number
        // A server may answer with a whole stored batch; skip what lies before the offset.
        const records = outcome.records.filter((record) => record.offset >= from)
        if (records.length === 0) {
          read(index, outcome.latencyMs < EMPTY_READ_BACKOFF_MS ? EMPTY_READ_BACKOFF_MS : 0)
          continue
        }
        offsets[index] = (records[records.length - 1] as ConsumedRecord).offset + 1
        await onBatch({
          partition: (starts[index] as PartitionStart).partition,
          records,
          latencyMs: outcome.latencyMs,
        })
        if (!inner.signal.aborted) read(index, 0)
        cursor = index + 1
      }
    }
  } finally {
    signal.removeEventListener('abort', stop)
    inner.abort()
  }
}
