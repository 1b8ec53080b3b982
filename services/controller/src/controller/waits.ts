import type { MetadataFollower } from '@tributary/core'

/**
 * Waits for a follower's image to reach an offset (what a metadata long-poll does), each bounded
 * by a time limit and an abort signal, and all ended at once by {@link close}. Unlike
 * MetadataFollower.waitFor, a wait that ends early leaves nothing behind.
 */
export class ImageWaits {
  readonly #follower: MetadataFollower
  readonly #pending = new Set<() => void>()
  #closed = false

  constructor(follower: MetadataFollower) {
    this.#follower = follower
  }

  /** How many waits are in progress. */
  get size(): number {
    return this.#pending.size
  }

  /** Resolves once the image reaches `offset`, `waitMs` passes, `signal` aborts or this closes. */
  reach(offset: number, waitMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#follower.image.offset >= offset || this.#closed || signal?.aborted) {
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        if (!this.#pending.delete(done)) return
        clearTimeout(timer)
        stopListening()
        signal?.removeEventListener('abort', done)
        resolve()
      }
      this.#pending.add(done)
      const stopListening = this.#follower.onApplied((_, image) => {
        if (image.offset >= offset) done()
      })
      const timer = setTimeout(done, waitMs)
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  /** Ends every wait now, and every later one at once. */
  close(): void {
    this.#closed = true
    for (const done of [...this.#pending]) done()
  }
}
