import { gunzipSync, gzipSync } from 'fflate'
import { CorruptRecordError } from '../errors/index.ts'
import type { Codec } from './codec.ts'

/**
 * DEFLATE cannot expand data by more than about 1032:1, so a gzip trailer that claims more than
 * this is lying; refusing it keeps a forged size from making fflate allocate gigabytes up front.
 */
const MAX_EXPANSION = 1032
const GZIP_MIN_LENGTH = 18 // 10-byte header, empty deflate stream (2), 8-byte trailer

/** gzip through fflate: synchronous, pure JS, the same on every runtime. */
export const gzip: Codec = {
  compress(data) {
    // mtime 0 leaves the header's time field empty, so the same records compress to the same bytes.
    return gzipSync(data, { mtime: 0 })
  },
  decompress(data) {
    if (data.length < GZIP_MIN_LENGTH) {
      throw new CorruptRecordError(`gzip data of ${data.length} bytes is too short`)
    }
    const end = data.length
    const claimed =
      ((data[end - 1] as number) << 24) |
      ((data[end - 2] as number) << 16) |
      ((data[end - 3] as number) << 8) |
      (data[end - 4] as number)
    if (claimed >>> 0 > data.length * MAX_EXPANSION) {
      throw new CorruptRecordError(
        `gzip trailer claims ${claimed >>> 0} bytes from ${data.length} compressed bytes`,
      )
    }
    try {
      return gunzipSync(data)
    } catch (cause) {
      throw new CorruptRecordError('gzip data cannot be decompressed', { cause })
    }
  },
}
