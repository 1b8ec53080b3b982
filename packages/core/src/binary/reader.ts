// biome-ignore-all lint/style/noNonNullAssertion: every indexed read below follows a bounds check.
import { CorruptRecordError } from '../errors/index.ts'
import { getInt64 } from './int64.ts'
import { readUtf8 } from './utf8.ts'
import { unzigzag64 } from './varint.ts'

/**
 * A bounds-checked big-endian reader over a Uint8Array, the counterpart of {@link Writer}.
 * Reading past the end, an over-long varint or an int64 outside the safe-integer range throws
 * CorruptRecordError: the bytes come from the network or a disk and are never trusted.
 *
 * Byte fields are returned as subarray views that alias the input, never copies.
 */
export class Reader {
  readonly bytes: Uint8Array
  readonly end: number
  #view: DataView | undefined
  pos: number

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes
    this.pos = start
    this.end = end
  }

  /** Bytes left before the end. */
  get remaining(): number {
    return this.end - this.pos
  }

  readInt8(): number {
    const at = this.#take(1)
    const byte = this.bytes[at]!
    return (byte << 24) >> 24
  }

  readInt16(): number {
    return this.#dataView().getInt16(this.#take(2))
  }

  readInt32(): number {
    return this.#dataView().getInt32(this.#take(4))
  }

  readUint32(): number {
    return this.#dataView().getUint32(this.#take(4))
  }

  /** An int64 as a number; one outside the safe-integer range is refused as corrupt. */
  readInt64(): number {
    const at = this.#take(8)
    const value = getInt64(this.#dataView(), at)
    if (Number.isNaN(value))
      throw new CorruptRecordError(`int64 at byte ${at} is not a safe integer`)
    return value
  }

  /** A zigzag varint (int32). */
  readVarint(): number {
    const raw = this.readUnsignedVarint()
    return (raw >>> 1) ^ -(raw & 1)
  }

  /** An unsigned varint (uint32): at most 5 bytes, as Kafka allows. */
  readUnsignedVarint(): number {
    const bytes = this.bytes
    let pos = this.pos
    if (pos < this.end) {
      // Most varints in a record (small lengths and deltas) fit one byte.
      const first = bytes[pos]!
      if (first < 0x80) {
        this.pos = pos + 1
        return first
      }
    }
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) throw this.#pastEnd(pos, 1)
      const byte = bytes[pos++]!
      value |= (byte & 0x7f) << shift
      if (byte < 0x80) {
        this.pos = pos
        return value >>> 0
      }
    }
    throw new CorruptRecordError(`varint at byte ${this.pos} is longer than 5 bytes`)
  }

  /** A zigzag varlong as a number; one outside the safe-integer range is refused as corrupt. */
  readVarlong(): number {
    const bytes = this.bytes
    const start = this.pos
    let pos = start
    let low = 0
    let high = 0
    for (let index = 0; index < 10; index++) {
      if (pos >= this.end) throw this.#pastEnd(pos, 1)
      const byte = bytes[pos++]!
      const bits = byte & 0x7f
      // Byte i carries bits 7i..7i+6 of 64: bytes 0-3 land in the low half, byte 4 straddles
      // both halves, bytes 5-9 land in the high half.
      if (index < 4) {
        low |= bits << (7 * index)
      } else if (index === 4) {
        low |= bits << 28
        high |= bits >>> 4
      } else {
        high |= bits << (7 * index - 32)
      }
      if (byte < 0x80) {
        this.pos = pos
        if (index < 4) return (low >>> 1) ^ -(low & 1)
        const value = unzigzag64(high >>> 0, low >>> 0)
        if (Number.isNaN(value)) {
          throw new CorruptRecordError(`varlong at byte ${start} is not a safe integer`)
        }
        return value
      }
    }
    throw new CorruptRecordError(`varlong at byte ${start} is longer than 10 bytes`)
  }

  /** The next `count` bytes as a view of the input. */
  readBytes(count: number): Uint8Array {
    const at = this.#take(count)
    return this.bytes.subarray(at, at + count)
  }

  /** Bytes after a varint length, -1 meaning null: a view of the input. */
  readVarintBytes(): Uint8Array | null {
    const length = this.readVarint()
    if (length === -1) return null
    if (length < 0) throw new CorruptRecordError(`negative length ${length} at byte ${this.pos}`)
    return this.readBytes(length)
  }

  /** A non-null UTF-8 string after a varint length. */
  readVarintString(): string {
    const length = this.readVarint()
    if (length < 0) throw new CorruptRecordError(`negative string length ${length} at ${this.pos}`)
    const at = this.#take(length)
    return readUtf8(this.bytes, at, at + length)
  }

  /** Bytes after an unsigned varint of length + 1, 0 meaning null: a view of the input. */
  readCompactBytes(): Uint8Array | null {
    const lengthPlusOne = this.readUnsignedVarint()
    if (lengthPlusOne === 0) return null
    return this.readBytes(lengthPlusOne - 1)
  }

  /** Moves past `count` bytes. */
  skip(count: number): void {
    this.#take(count)
  }

  /** Claims `count` bytes: returns where they start and moves past them, or throws if short. */
  #take(count: number): number {
    const at = this.pos
    if (count > this.end - at) throw this.#pastEnd(at, count)
    this.pos = at + count
    return at
  }

  #pastEnd(at: number, count: number): CorruptRecordError {
    return new CorruptRecordError(
      `read of ${count} byte(s) at ${at} runs past the end of the data (${this.end})`,
    )
  }

  #dataView(): DataView {
    if (this.#view === undefined) {
      const bytes = this.bytes
      this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    }
    return this.#view
  }
}
