import type { MetadataLogEntry, MetadataSubscription } from '@tributary/core'
import { TributaryError } from '@tributary/core'

/** How many entries one read of a delivery pass takes. */
const FOLLOW_BATCH_ENTRIES = 256

export interface FollowerOptions {
  /** The first offset to deliver. */
  readonly fromOffset: number
  /** Entries from `fromOffset` on, at most `maxEntries`; throws what decoding throws. */
  readonly read: (fromOffset: number, maxEntries: number) => MetadataLogEntry[]
  readonly onEntry: (entry: MetadataLogEntry) => void
  /** Hears read failures and errors thrown by `onEntry`. */
  readonly onError: (error: unknown) => void
  /** Called once, when the subscription closes for any reason. */
  readonly onClose: (follower: Follower) => void
}

/**
 * One `follow` subscription. It remembers the next offset to deliver; every `wake` schedules one
 * delivery pass (coalesced, on a microtask) that reads from there until a read finds nothing.
 * Passes only ever run from the microtask queue and are synchronous (SQLite reads are), so two
 * passes never interleave: entries arrive in order and each once, also when `onEntry` appends.
 *
 * A read failure is reported once, then retried on the next wake (the log's poll or an append);
 * a damaged entry (a non-retriable TributaryError, such as decodeMetadataRecord's) ends the
 * subscription instead, since skipping it would leave a hole in every replayed image.
 */
export class Follower implements MetadataSubscription {
  readonly #options: FollowerOptions
  #nextOffset: number
  #scheduled = false
  #closed = false
  #failing = false

  constructor(options: FollowerOptions) {
    this.#options = options
    this.#nextOffset = options.fromOffset
  }

  /** The next offset this subscription will deliver. */
  get nextOffset(): number {
    return this.#nextOffset
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Schedules a delivery pass, unless one is already pending. */
  wake(): void {
    if (this.#closed || this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      this.#deliver()
    })
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#options.onClose(this)
  }

  #deliver(): void {
    const { read, onEntry, onError } = this.#options
    while (!this.#closed) {
      let entries: MetadataLogEntry[]
      try {
        entries = read(this.#nextOffset, FOLLOW_BATCH_ENTRIES)
      } catch (error) {
        this.#readFailed(error)
        return
      }
      this.#failing = false
      for (const entry of entries) {
        if (this.#closed) return
        // Counted as delivered before the callback runs: a throwing callback gets no repeat.
        this.#nextOffset = entry.offset + 1
        try {
          onEntry(entry)
        } catch (error) {
          onError(error)
        }
      }
      // Until a read finds nothing: a short read may have stopped before a damaged entry.
      if (entries.length === 0) return
    }
  }

  #readFailed(error: unknown): void {
    if (error instanceof TributaryError && !error.retriable) {
      this.#options.onError(error)
      this.close()
      return
    }
    if (this.#failing) return
    this.#failing = true
    this.#options.onError(error)
  }
}
