/**
 * Compression of a batch's records section: a registry of codecs by Kafka's ids. none and gzip
 * are supported; snappy, lz4 and zstd are refused by name with UnsupportedCompressionError.
 */
export type { Codec, CompressionType } from './codec.ts'
export {
  codecFor,
  compress,
  compressionIdOf,
  compressionTypeOf,
  decompress,
  isCompressionSupported,
} from './codec.ts'
