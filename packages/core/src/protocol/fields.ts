/**
 * The primitive fields of the data-plane protocol, on top of the shared Writer and Reader:
 * strings with an int16 length (-1 = null), byte fields with an int32 length, range checks for
 * the fixed-width integers, and the body reader that turns any decoding failure into
 * INVALID_REQUEST.
 *
 * Encoders compute a frame's exact size before writing it, so every string is turned into its
 * UTF-8 bytes first ({@link stringBytes}) and written from those.
 */
import { Reader, readUtf8, utf8Length, type Writer, writeUtf8 } from '../binary/index.ts'
import { CorruptRecordError, ErrorCode, TributaryError } from '../errors/index.ts'

/** The longest string an int16 length can describe, in UTF-8 bytes. */
export const MAX_STRING_BYTES = 0x7fff

const INT_RANGES = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  int32: [-0x8000_0000, 0x7fff_ffff],
} as const

/**
 * Throws RangeError unless `value` fits the integer type: DataView would silently wrap it. Like
 * the Writer's own checks, a failure here is a bug in the caller, not bad input from a peer.
 */
export function checkInt(name: string, value: number, type: keyof typeof INT_RANGES): void {
  const [min, max] = INT_RANGES[type]
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an ${type}, got ${value}`)
  }
}

/** Throws RangeError unless `value` is a safe integer (the Writer's int64 range). */
export function checkInt64(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a safe integer, got ${value}`)
  }
}

/** The UTF-8 bytes of a string field, checked to fit an int16 length. */
export function stringBytes(name: string, text: string): Uint8Array {
  const length = utf8Length(text)
  if (length > MAX_STRING_BYTES) {
    throw new RangeError(`${name} takes ${length} UTF-8 bytes, more than ${MAX_STRING_BYTES}`)
  }
  const bytes = new Uint8Array(length)
  writeUtf8(bytes, 0, text)
  return bytes
}

/** {@link stringBytes} for a nullable string. */
export function nullableStringBytes(name: string, text: string | null): Uint8Array | null {
  return text === null ? null : stringBytes(name, text)
}

/** Bytes a string field takes: its int16 length and its UTF-8 bytes. */
export function sizeOfString(bytes: Uint8Array | null): number {
  return 2 + (bytes === null ? 0 : bytes.length)
}

/** Bytes a byte field takes: its int32 length and the bytes. */
export function sizeOfBytes(bytes: Uint8Array): number {
  return 4 + bytes.length
}

/** A string field from {@link stringBytes}: int16 length, -1 for null, then UTF-8. */
export function writeString(writer: Writer, bytes: Uint8Array | null): void {
  if (bytes === null) {
    writer.writeInt16(-1)
    return
  }
  writer.writeInt16(bytes.length).writeBytes(bytes)
}

/** A byte field: int32 length, then the bytes. */
export function writeBytesField(writer: Writer, bytes: Uint8Array): void {
  writer.writeInt32(bytes.length).writeBytes(bytes)
}

/** A non-null string field; null is refused as malformed. */
export function readString(reader: Reader, name: string): string {
  const text = readNullableString(reader, name)
  if (text === null) throw malformed(`${name} is null`)
  return text
}

/** A nullable string field (length -1). */
export function readNullableString(reader: Reader, name: string): string | null {
  const length = reader.readInt16()
  if (length === -1) return null
  if (length < 0) throw malformed(`${name} has length ${length}`)
  const at = reader.pos
  reader.skip(length)
  return readUtf8(reader.bytes, at, at + length)
}

/** A byte field, returned as a view that aliases the reader's bytes (no copy). */
export function readBytesField(reader: Reader, name: string): Uint8Array {
  const length = reader.readInt32()
  if (length < 0) throw malformed(`${name} has length ${length}`)
  return reader.readBytes(length)
}

/**
 * Runs `read` over `body` and checks it used every byte. A read past the end or an int64 outside
 * the safe range (CorruptRecordError from the Reader) and trailing bytes all become
 * INVALID_REQUEST naming `what`: a malformed frame is a bad request, not a corrupt record.
 */
export function readBody<T>(body: Uint8Array, what: string, read: (reader: Reader) => T): T {
  const reader = new Reader(body)
  let value: T
  try {
    value = read(reader)
  } catch (error) {
    if (error instanceof CorruptRecordError) {
      throw malformed(`${what} is malformed: ${error.message}`, error)
    }
    if (error instanceof TributaryError && error.code === ErrorCode.InvalidRequest) {
      throw malformed(`${what} is malformed: ${error.message}`, error.cause)
    }
    throw error
  }
  if (reader.remaining !== 0) {
    throw malformed(`${what} is malformed: ${reader.remaining} byte(s) after its last field`)
  }
  return value
}

/** An INVALID_REQUEST error. */
export function malformed(message: string, cause?: unknown): TributaryError {
  return new TributaryError(ErrorCode.InvalidRequest, message, cause === undefined ? {} : { cause })
}
