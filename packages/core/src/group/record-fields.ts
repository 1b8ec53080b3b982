import { type Reader, readUtf8Strict, utf8Length, type Writer, writeUtf8 } from '../binary/index.ts'
import { CorruptRecordError } from '../errors/index.ts'

/**
 * The fields every record layout of `__consumer_offsets` is written with (Kafka's offset commit
 * records here, the coordinator's consumer-instance records in the broker): strings as Kafka
 * writes them in these keys and values (int16 length, then UTF-8), and the error wrapping that
 * names which record failed to decode.
 */

/** The size of `text` as {@link writeRecordString} writes it (length prefix included). */
export function recordStringSize(text: string): number {
  return 2 + utf8Length(text)
}

/** `text` as an int16 length and its UTF-8 bytes; RangeError beyond 32767 bytes. */
export function writeRecordString(writer: Writer, text: string): void {
  const length = utf8Length(text)
  if (length > 0x7fff) throw new RangeError(`a string of ${length} UTF-8 bytes is too long`)
  const bytes = new Uint8Array(length)
  writeUtf8(bytes, 0, text)
  writer.writeInt16(length).writeBytes(bytes)
}

/** A string written by {@link writeRecordString}; CorruptRecordError if negative or not UTF-8. */
export function readRecordString(reader: Reader): string {
  const length = reader.readInt16()
  if (length < 0) throw new CorruptRecordError(`string length ${length}`)
  try {
    return readUtf8Strict(reader.readBytes(length))
  } catch (error) {
    throw new CorruptRecordError('text is not UTF-8', { cause: error })
  }
}

/** Runs `read`, prefixing the message of a CorruptRecordError it throws with `what`. */
export function decodingRecord<T>(what: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof CorruptRecordError) {
      throw new CorruptRecordError(`${what}: ${error.message}`, { cause: error })
    }
    throw error
  }
}
