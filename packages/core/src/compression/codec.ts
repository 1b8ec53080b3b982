import { CorruptRecordError, UnsupportedCompressionError } from '../errors/index.ts'
import { gzip } from './gzip.ts'

/** Kafka's compression codecs, named as in the `compression.type` config. */
export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** Compresses and decompresses the records section of a batch as a whole. */
export interface Codec {
  compress(data: Uint8Array): Uint8Array
  decompress(data: Uint8Array): Uint8Array
}

/** The codecs by Kafka's id: the low three bits of a batch's attributes. Ids 5-7 are unassigned. */
const typesById: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

const none: Codec = {
  compress: (data) => data,
  decompress: (data) => data,
}

/** The codecs this build reads and writes. The others are known to Kafka, but not here. */
const codecs: Partial<Readonly<Record<CompressionType, Codec>>> = { none, gzip }

/** The compression type for a codec id from a batch's attributes; ids 5-7 mean corrupt data. */
export function compressionTypeOf(id: number): CompressionType {
  const type = typesById[id]
  if (type === undefined) throw new CorruptRecordError(`unknown compression codec id ${id}`)
  return type
}

/** Kafka's codec id for a compression type, for a batch's attributes. */
export function compressionIdOf(type: CompressionType): number {
  const id = typesById.indexOf(type)
  if (id === -1) throw unsupported(type)
  return id
}

/** Whether this build can read and write batches compressed with `type`. */
export function isCompressionSupported(type: CompressionType): boolean {
  return codecs[type] !== undefined
}

/** The codec for `type`; an UnsupportedCompressionError naming it when this build has none. */
export function codecFor(type: CompressionType): Codec {
  const codec = codecs[type]
  if (codec === undefined) throw unsupported(type)
  return codec
}

export function compress(type: CompressionType, data: Uint8Array): Uint8Array {
  return codecFor(type).compress(data)
}

export function decompress(type: CompressionType, data: Uint8Array): Uint8Array {
  return codecFor(type).decompress(data)
}

function unsupported(type: string): UnsupportedCompressionError {
  return new UnsupportedCompressionError(
    `compression codec '${type}' is not supported; use none or gzip`,
  )
}
