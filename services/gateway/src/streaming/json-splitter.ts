/**
 * Cuts a byte stream into the JSON objects it carries, as the bytes arrive, the way the REST
 * Proxy reads a streamed v3 produce: objects concatenated one after another (whitespace between
 * them allowed, nothing else), or, as Jackson's value iterator also allows, one top-level array
 * of objects. Only the structure is scanned here (strings, escapes, nesting); each object's text
 * is then parsed on its own, so a bad record cannot hide the boundary of the next one.
 *
 * Structural characters are ASCII and never occur inside a UTF-8 multi-byte sequence, so the
 * scan works on bytes and a chunk may end anywhere, even inside a character.
 */

export class JsonStreamError extends Error {
  override readonly name = 'JsonStreamError'
  readonly kind: 'syntax' | 'too-large'

  constructor(kind: 'syntax' | 'too-large', message: string) {
    super(message)
    this.kind = kind
  }
}

const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

/** Where the scan is between values. */
type Mode =
  /** Nothing but whitespace yet. */
  | 'start'
  /** Between concatenated top-level objects. */
  | 'sequence'
  /** Just after the opening `[`. */
  | 'array-first'
  /** After an element of the top-level array: `,` or `]` next. */
  | 'array-next'
  /** After a `,` in the top-level array: an object next. */
  | 'array-element'
  /** After the closing `]`: only whitespace may follow. */
  | 'done'

export class JsonObjectSplitter {
  readonly maxObjectBytes: number
  #mode: Mode = 'start'
  #inObject = false
  #depth = 0
  #inString = false
  #escaped = false
  /** Earlier chunks' bytes of the object in progress. */
  #parts: Uint8Array[] = []
  #partBytes = 0
  /** Bytes pushed so far, for error positions. */
  #consumed = 0
  #failure: JsonStreamError | undefined

  constructor(maxObjectBytes: number) {
    this.maxObjectBytes = maxObjectBytes
  }

  /** Whether an object has started and not yet ended. */
  get pending(): boolean {
    return this.#inObject
  }

  /**
   * The objects `chunk` completes, each as its bytes (a view of `chunk` when it lies inside it).
   * When the chunk also breaks the stream, the objects before the break are still returned and
   * the error is thrown by the next call (push or end).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure !== undefined) throw this.#failure
    const objects: Uint8Array[] = []
    try {
      this.#scan(chunk, objects)
    } catch (error) {
      if (objects.length === 0 || !(error instanceof JsonStreamError)) throw error
    }
    this.#consumed += chunk.length
    return objects
  }

  #scan(chunk: Uint8Array, objects: Uint8Array[]): void {
    let start = this.#inObject ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number
      if (!this.#inObject) {
        if (isWhitespace(byte)) continue
        if (this.#between(byte, i)) {
          start = i
          this.#inObject = true
          this.#depth = 1
        }
        continue
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false
        else if (byte === BACKSLASH) this.#escaped = true
        else if (byte === QUOTE) this.#inString = false
        continue
      }
      if (byte === QUOTE) this.#inString = true
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) this.#depth++
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        this.#depth--
        if (this.#depth === 0) {
          objects.push(this.#take(chunk, start, i + 1))
          this.#inObject = false
          this.#mode = this.#mode === 'sequence' ? 'sequence' : 'array-next'
          start = -1
        }
      }
    }
    if (this.#inObject) {
      const piece = chunk.subarray(start)
      this.#parts.push(piece)
      this.#partBytes += piece.length
      this.#checkSize(this.#partBytes)
    }
  }

  /** Call at the end of input: throws if it ended inside an object or an unclosed array. */
  end(): void {
    if (this.#failure !== undefined) throw this.#failure
    if (this.#inObject) this.#fail('syntax', 'Unexpected end of input inside a JSON object')
    if (this.#mode.startsWith('array')) {
      this.#fail('syntax', 'Unexpected end of input: the array of records is not closed')
    }
  }

  /** Handles a non-whitespace byte outside any object; true when it opens an object. */
  #between(byte: number, index: number): boolean {
    const at = this.#consumed + index
    switch (this.#mode) {
      case 'start':
        if (byte === OPEN_ARRAY) {
          this.#mode = 'array-first'
          return false
        }
        if (byte === OPEN_OBJECT) {
          this.#mode = 'sequence'
          return true
        }
        break
      case 'sequence':
      case 'array-element':
        if (byte === OPEN_OBJECT) return true
        break
      case 'array-first':
        if (byte === OPEN_OBJECT) return true
        if (byte === CLOSE_ARRAY) {
          this.#mode = 'done'
          return false
        }
        break
      case 'array-next':
        if (byte === COMMA) {
          this.#mode = 'array-element'
          return false
        }
        if (byte === CLOSE_ARRAY) {
          this.#mode = 'done'
          return false
        }
        break
      case 'done':
        break
    }
    const what = this.#mode === 'done' ? 'nothing after the array' : 'a JSON object'
    return this.#fail(
      'syntax',
      `Unexpected character '${String.fromCharCode(byte)}' at byte ${at}: expected ${what}`,
    )
  }

  /** The object that ends at `end` in `chunk` and began at `start` (or in earlier chunks). */
  #take(chunk: Uint8Array, start: number, end: number): Uint8Array {
    if (this.#parts.length === 0) {
      this.#checkSize(end - start)
      return chunk.subarray(start, end)
    }
    const size = this.#partBytes + end
    this.#checkSize(size)
    const out = new Uint8Array(size)
    let at = 0
    for (const part of this.#parts) {
      out.set(part, at)
      at += part.length
    }
    out.set(chunk.subarray(0, end), at)
    this.#parts = []
    this.#partBytes = 0
    return out
  }

  #checkSize(size: number): void {
    if (size > this.maxObjectBytes) {
      this.#fail(
        'too-large',
        `A record is larger than the ${this.maxObjectBytes} bytes this gateway accepts`,
      )
    }
  }

  #fail(kind: 'syntax' | 'too-large', message: string): never {
    this.#parts = []
    this.#partBytes = 0
    this.#failure = new JsonStreamError(kind, message)
    throw this.#failure
  }
}

/**
 * The JSON objects of a request body, each as its bytes, yielded as soon as its last byte has
 * arrived. Throws {@link JsonStreamError} where the stream stops making sense; stops reading
 * the body when the consumer stops early.
 */
export async function* jsonObjects(
  body: ReadableStream<Uint8Array> | null,
  maxObjectBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (body === null) return
  const splitter = new JsonObjectSplitter(maxObjectBytes)
  const reader = body.getReader()
  let finished = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        finished = true
        break
      }
      for (const object of splitter.push(value)) yield object
    }
    splitter.end()
  } finally {
    if (!finished) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}
