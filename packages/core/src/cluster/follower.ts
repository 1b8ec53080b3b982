import { MetadataImage } from '../metadata/image.ts'
import type { MetadataLog, MetadataLogEntry, MetadataSubscription } from '../metadata/index.ts'

/** The read side of the metadata log: what a broker, gateway or standby controller follows. */
export type MetadataReader = Pick<MetadataLog, 'read' | 'lastOffset' | 'follow'>

/**
 * Keeps a {@link MetadataImage} current by following the metadata log, and tells listeners
 * after each entry is applied. `waitFor(offset)` resolves once the image has reached an offset,
 * which is how a caller reads its own admin writes.
 */
export class MetadataFollower {
  readonly image: MetadataImage
  readonly #listeners = new Set<(entry: MetadataLogEntry, image: MetadataImage) => void>()
  readonly #waiters: { offset: number; resolve: () => void }[] = []
  #subscription: MetadataSubscription | undefined
  #failure: unknown

  constructor(image: MetadataImage = new MetadataImage()) {
    this.image = image
  }

  /** Starts following after the image's offset. `onError` hears a log that cannot be applied. */
  start(reader: MetadataReader, onError?: (error: unknown) => void): void {
    if (this.#subscription !== undefined) return
    this.#subscription = reader.follow(
      this.image.offset + 1,
      (entry) => {
        if (this.#failure !== undefined) return
        try {
          this.image.apply(entry)
        } catch (error) {
          this.#failure = error
          onError?.(error)
          return
        }
        for (const listener of this.#listeners) listener(entry, this.image)
        this.#release()
      },
      onError,
    )
  }

  /** Calls `listener` after every entry applied from now on; returns a function that removes it. */
  onApplied(listener: (entry: MetadataLogEntry, image: MetadataImage) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Resolves once the image has applied `offset` (at once if it has). */
  waitFor(offset: number): Promise<void> {
    if (this.image.offset >= offset) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ offset, resolve }))
  }

  stop(): void {
    this.#subscription?.close()
    this.#subscription = undefined
  }

  #release(): void {
    const reached = this.image.offset
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]
      if (waiter !== undefined && waiter.offset <= reached) {
        this.#waiters.splice(i, 1)
        waiter.resolve()
      }
    }
  }
}
