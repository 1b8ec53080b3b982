/**
 * A response body written as a sequence of JSON documents, each followed by `\r\n` (the REST
 * Proxy's chunk separator), in the order they were pushed although each may become ready at a
 * different time: a document waits for those pushed before it.
 */
export class OrderedJsonWriter {
  readonly stream: ReadableStream<Uint8Array>
  readonly #encoder = new TextEncoder()
  readonly #maxPending: number
  #controller!: ReadableStreamDefaultController<Uint8Array>
  #tail: Promise<void> = Promise.resolve()
  #pending = 0
  #room: (() => void) | undefined
  #cancelled = false
  #closed = false

  /** `maxPending`: documents pushed but not yet written before {@link room} makes callers wait. */
  constructor(maxPending: number) {
    this.#maxPending = maxPending
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller
      },
      cancel: () => {
        this.#cancelled = true
        this.#release()
      },
    })
  }

  /** Whether the reader went away (the client disconnected). */
  get cancelled(): boolean {
    return this.#cancelled
  }

  /**
   * Queues a document; it is written once it resolves and everything before it is written.
   * `document` must not reject: a failure is a document too (an error report).
   */
  push(document: Promise<unknown>): void {
    this.#pending++
    const previous = this.#tail
    this.#tail = (async () => {
      try {
        const value = await document
        await previous
        if (this.#cancelled || this.#closed) return
        this.#controller.enqueue(this.#encoder.encode(`${JSON.stringify(value)}\r\n`))
      } finally {
        this.#pending--
        this.#release()
      }
    })()
  }

  /** Resolves when fewer than `maxPending` documents wait (or the reader has gone). */
  room(): Promise<void> {
    if (this.#pending < this.#maxPending || this.#cancelled) return Promise.resolve()
    return new Promise((resolve) => {
      this.#room = resolve
    })
  }

  /** Ends the body after every pushed document is written. */
  async close(): Promise<void> {
    await this.#tail
    if (this.#closed) return
    this.#closed = true
    if (!this.#cancelled) this.#controller.close()
  }

  #release(): void {
    if (this.#room !== undefined && (this.#pending < this.#maxPending || this.#cancelled)) {
      const resolve = this.#room
      this.#room = undefined
      resolve()
    }
  }
}
