import { setInt64 } from './int64.ts'
import { utf8Length, writeUtf8 } from './utf8.ts'
import { isInt32, zigzag64 } from './varint.ts'

const INITIAL_CAPACITY = 256

/**
 * A growable big-endian byte buffer with the field types Kafka's formats use. Give it the exact
 * size up front when it is known (the batch encoder does) and it never copies.
 *
 * Arguments are trusted to be in range for their type (callers validate user input at their
 * boundary); a value that is not is a bug, reported with a RangeError.
 */
export class Writer {
  #bytes: Uint8Array
  #view: DataView
  #pos = 0

  constructor(capacity = INITIAL_CAPACITY) {
    this.#bytes = new Uint8Array(capacity)
    this.#view = new DataView(this.#bytes.buffer)
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos
  }

  /** The bytes written, trimmed to their length (no copy when the buffer is exactly full). */
  finish(): Uint8Array {
    if (this.#pos === this.#bytes.length) return this.#bytes
    return this.#bytes.slice(0, this.#pos)
  }

  /** Moves forward `count` bytes, leaving them zero (for a header patched in after `finish`). */
  skip(count: number): this {
    this.#reserve(count)
    this.#pos += count
    return this
  }

  writeInt8(n: number): this {
    this.#reserve(1)
    this.#view.setInt8(this.#pos, n)
    this.#pos += 1
    return this
  }

  writeInt16(n: number): this {
    this.#reserve(2)
    this.#view.setInt16(this.#pos, n)
    this.#pos += 2
    return this
  }

  writeInt32(n: number): this {
    this.#reserve(4)
    this.#view.setInt32(this.#pos, n)
    this.#pos += 4
    return this
  }

  writeUint32(n: number): this {
    this.#reserve(4)
    this.#view.setUint32(this.#pos, n)
    this.#pos += 4
    return this
  }

  /** An int64 from a safe integer. */
  writeInt64(n: number): this {
    if (!Number.isSafeInteger(n)) throw new RangeError(`int64 must be a safe integer, got ${n}`)
    this.#reserve(8)
    setInt64(this.#view, this.#pos, n)
    this.#pos += 8
    return this
  }

  /** A zigzag varint (an int32, 1-5 bytes). */
  writeVarint(n: number): this {
    if (!isInt32(n)) throw new RangeError(`varint must be an int32, got ${n}`)
    return this.writeUnsignedVarint(((n << 1) ^ (n >> 31)) >>> 0)
  }

  /** An unsigned varint (a uint32, 1-5 bytes), as compact lengths use. */
  writeUnsignedVarint(n: number): this {
    this.#reserve(5)
    const bytes = this.#bytes
    let pos = this.#pos
    let rest = n >>> 0
    while (rest >= 0x80) {
      bytes[pos++] = (rest & 0x7f) | 0x80
      rest >>>= 7
    }
    bytes[pos++] = rest
    this.#pos = pos
    return this
  }

  /** A zigzag varlong (a safe integer, 1-10 bytes). */
  writeVarlong(n: number): this {
    if (isInt32(n)) return this.writeVarint(n)
    if (!Number.isSafeInteger(n)) throw new RangeError(`varlong must be a safe integer, got ${n}`)
    this.#reserve(10)
    const bytes = this.#bytes
    let pos = this.#pos
    let [high, low] = zigzag64(n)
    while (high !== 0 || low >= 0x80) {
      bytes[pos++] = (low & 0x7f) | 0x80
      low = ((low >>> 7) | (high << 25)) >>> 0
      high >>>= 7
    }
    bytes[pos++] = low
    this.#pos = pos
    return this
  }

  /** Raw bytes, no length. */
  writeBytes(source: Uint8Array): this {
    this.#reserve(source.length)
    this.#bytes.set(source, this.#pos)
    this.#pos += source.length
    return this
  }

  /** Bytes after a varint length; null is written as length -1 (record keys, values, headers). */
  writeVarintBytes(source: Uint8Array | null): this {
    if (source === null) return this.writeVarint(-1)
    return this.writeVarint(source.length).writeBytes(source)
  }

  /** A string as UTF-8 after a varint length (record header keys). */
  writeVarintString(text: string): this {
    const length = utf8Length(text)
    this.writeVarint(length)
    this.#reserve(length)
    this.#pos = writeUtf8(this.#bytes, this.#pos, text)
    return this
  }

  /** Bytes after an unsigned varint of length + 1; null is 0 (flexible protocol versions). */
  writeCompactBytes(source: Uint8Array | null): this {
    if (source === null) return this.writeUnsignedVarint(0)
    return this.writeUnsignedVarint(source.length + 1).writeBytes(source)
  }

  #reserve(count: number): void {
    const needed = this.#pos + count
    if (needed <= this.#bytes.length) return
    const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2))
    grown.set(this.#bytes.subarray(0, this.#pos))
    this.#bytes = grown
    this.#view = new DataView(grown.buffer)
  }
}
