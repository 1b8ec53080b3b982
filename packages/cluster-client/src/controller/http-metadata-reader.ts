import {
  ErrorCode,
  type Logger,
  type MetadataLogEntry,
  type MetadataReader,
  type MetadataSubscription,
  metadataRecordSchema,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import { ControllerTransport, type ControllerTransportOptions, unexpected } from './transport.ts'

/** How long one follow long-poll waits at the controller for a new entry. */
export const DEFAULT_METADATA_POLL_WAIT_MS = 10_000
/** Entries asked for per request. */
export const DEFAULT_METADATA_PAGE_ENTRIES = 1_000
/** Backoff after a failed poll: doubling from the first value up to the second, jittered. */
export const DEFAULT_METADATA_RETRY_INITIAL_MS = 100
export const DEFAULT_METADATA_RETRY_MAX_MS = 5_000

export interface HttpMetadataReaderOptions extends ControllerTransportOptions {
  /** Default {@link DEFAULT_METADATA_POLL_WAIT_MS}. */
  readonly pollWaitMs?: number
  /** Default {@link DEFAULT_METADATA_PAGE_ENTRIES} (the controller allows up to 10 000). */
  readonly pageEntries?: number
  /** Default {@link DEFAULT_METADATA_RETRY_INITIAL_MS}. */
  readonly retryInitialMs?: number
  /** Default {@link DEFAULT_METADATA_RETRY_MAX_MS}. */
  readonly retryMaxMs?: number
  /** Hears follow failures when the subscriber gave no `onError`. */
  readonly logger?: Logger
}

interface Page {
  readonly entries: MetadataLogEntry[]
  readonly lastOffset: number
}

/**
 * The metadata log read through the controller's `GET /v1/metadata` (any controller serves it,
 * active or standby), so a broker or gateway in its own process can keep a MetadataFollower
 * current. Every entry's record is checked against core's schema; a damaged one is refused with
 * CORRUPT_MESSAGE rather than replayed.
 */
export class HttpMetadataReader implements MetadataReader {
  readonly #transport: ControllerTransport
  readonly #pollWaitMs: number
  readonly #pageEntries: number
  readonly #retryInitialMs: number
  readonly #retryMaxMs: number
  readonly #logger: Logger

  constructor(options: HttpMetadataReaderOptions) {
    this.#transport = new ControllerTransport(options)
    this.#pollWaitMs = options.pollWaitMs ?? DEFAULT_METADATA_POLL_WAIT_MS
    this.#pageEntries = options.pageEntries ?? DEFAULT_METADATA_PAGE_ENTRIES
    this.#retryInitialMs = options.retryInitialMs ?? DEFAULT_METADATA_RETRY_INITIAL_MS
    this.#retryMaxMs = options.retryMaxMs ?? DEFAULT_METADATA_RETRY_MAX_MS
    this.#logger = options.logger ?? silentLogger
  }

  /** Entries from `fromOffset` on, in order, at most `maxEntries` (all there are without it). */
  async read(fromOffset: number, maxEntries?: number): Promise<MetadataLogEntry[]> {
    const entries: MetadataLogEntry[] = []
    let next = fromOffset
    for (;;) {
      const wanted = Math.min(this.#pageEntries, (maxEntries ?? Infinity) - entries.length)
      if (wanted <= 0) return entries
      const page = await this.#page(next, wanted, 0)
      entries.push(...page.entries)
      const last = page.entries.at(-1)
      if (last === undefined || page.entries.length < wanted) return entries
      next = last.offset + 1
    }
  }

  async lastOffset(): Promise<number> {
    return (await this.#page(0, 0, 0)).lastOffset
  }

  /**
   * Long-polls from `fromOffset`, delivering each entry once and in order, starting after
   * `follow` returns. A failed poll is reported to `onError` and retried with backoff; a damaged
   * entry is reported and ends the subscription (skipping it would leave a hole in the image).
   * Something `onEntry` throws is reported and delivery goes on. `close` stops at once, also
   * mid-poll.
   */
  follow(
    fromOffset: number,
    onEntry: (entry: MetadataLogEntry) => void,
    onError?: (error: unknown) => void,
  ): MetadataSubscription {
    const report =
      onError ?? ((error: unknown) => this.#logger.warn({ err: error }, 'metadata follow failed'))
    const abort = new AbortController()
    let next = fromOffset
    let wakeSleeper: (() => void) | undefined
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        wakeSleeper = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    const run = async () => {
      let failures = 0
      while (!abort.signal.aborted) {
        let page: Page
        try {
          page = await this.#page(next, this.#pageEntries, this.#pollWaitMs, abort.signal)
          failures = 0
        } catch (error) {
          if (abort.signal.aborted) return
          report(error)
          if (error instanceof TributaryError && error.code === ErrorCode.CorruptMessage) {
            abort.abort()
            return
          }
          await sleep(this.#backoff(failures++))
          continue
        }
        for (const entry of page.entries) {
          if (abort.signal.aborted) return
          // Counted as delivered before the callback runs: a throwing callback gets no repeat.
          next = entry.offset + 1
          try {
            onEntry(entry)
          } catch (error) {
            report(error)
          }
        }
      }
    }
    void run()
    return {
      close: () => {
        abort.abort()
        wakeSleeper?.()
      },
    }
  }

  #backoff(failures: number): number {
    const ceiling = Math.min(this.#retryMaxMs, this.#retryInitialMs * 2 ** Math.min(failures, 30))
    return ceiling / 2 + (Math.random() * ceiling) / 2
  }

  async #page(from: number, max: number, waitMs: number, signal?: AbortSignal): Promise<Page> {
    const path = `/v1/metadata?from=${from}&max=${max}&wait=${waitMs}`
    const answer = await this.#transport.request('GET', path, { extraTimeoutMs: waitMs, signal })
    return checkPage(answer, from, this.#transport.urls.join(', '))
  }
}

/** The page as the API promises it: entries contiguous from `from`, records that parse. */
function checkPage(answer: unknown, from: number, where: string): Page {
  const { entries, lastOffset } = (answer ?? {}) as { entries?: unknown; lastOffset?: unknown }
  if (!Array.isArray(entries) || !Number.isInteger(lastOffset)) {
    throw unexpected(where, 'not a metadata page')
  }
  return {
    lastOffset: lastOffset as number,
    entries: entries.map((value: unknown, i) => {
      const { offset, controllerEpoch, timestamp, record } = (value ?? {}) as Record<
        string,
        unknown
      >
      if (offset !== from + i) {
        throw unexpected(where, `entry ${i} has offset ${String(offset)}, not ${from + i}`)
      }
      if (!Number.isInteger(controllerEpoch) || typeof timestamp !== 'number') {
        throw unexpected(where, `entry at offset ${offset} lacks its epoch or timestamp`)
      }
      const parsed = metadataRecordSchema.safeParse(record)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new TributaryError(
          ErrorCode.CorruptMessage,
          `invalid metadata record at offset ${offset}: ${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'unknown problem'}`,
          { retriable: false },
        )
      }
      return {
        offset,
        controllerEpoch: controllerEpoch as number,
        timestamp,
        record: parsed.data,
      }
    }),
  }
}
