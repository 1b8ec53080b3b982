/**
 * Kafka's primitive field types over plain Uint8Array: a growable Writer, a bounds-checked
 * Reader, the sizes of varints and varlongs, int64 fields as numbers, and UTF-8 without Buffer.
 */
export { getInt64, setInt64 } from './int64.ts'
export { Reader } from './reader.ts'
export { readUtf8, readUtf8Strict, utf8Length, writeUtf8 } from './utf8.ts'
export {
  isInt32,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  unzigzag64,
  zigzag64,
} from './varint.ts'
export { Writer } from './writer.ts'
