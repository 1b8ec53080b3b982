// biome-ignore-all lint/style/noNonNullAssertion: table indexes are masked to 0-4095 and data reads are bounded by the loop.
/**
 * CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2: reflected polynomial 0x82F63B78,
 * initial value and final xor 0xFFFFFFFF.
 *
 * Slicing-by-16: sixteen 256-entry tables, built once at module load into one flat Int32Array,
 * let the main loop fold sixteen input bytes per step with independent lookups instead of
 * sixteen dependent table steps. Table k (entries k*256 .. k*256+255) maps a byte to its CRC
 * contribution when k zero bytes follow it. Measured ~4x faster than a byte-at-a-time loop.
 */

const POLYNOMIAL = 0x82f63b78
const SLICES = 16

function buildTable(): Int32Array {
  const table = new Int32Array(SLICES * 256)
  for (let n = 0; n < 256; n++) {
    let crc = n
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1
    table[n] = crc
  }
  for (let at = 256; at < table.length; at++) {
    const previous = table[at - 256]!
    table[at] = (previous >>> 8) ^ table[previous & 0xff]!
  }
  return table
}

const T = buildTable()

/**
 * The CRC-32C of `data`, as an unsigned 32-bit number. Pass a previous result as `crc` to continue
 * a checksum over data that arrives in pieces.
 */
export function crc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc
  let i = 0
  const end = data.length
  const blockEnd = end - (end & 15)
  while (i < blockEnd) {
    const word = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))
    c =
      T[0xf00 | (word & 0xff)]! ^
      T[0xe00 | ((word >>> 8) & 0xff)]! ^
      T[0xd00 | ((word >>> 16) & 0xff)]! ^
      T[0xc00 | (word >>> 24)]! ^
      T[0xb00 | data[i + 4]!]! ^
      T[0xa00 | data[i + 5]!]! ^
      T[0x900 | data[i + 6]!]! ^
      T[0x800 | data[i + 7]!]! ^
      T[0x700 | data[i + 8]!]! ^
      T[0x600 | data[i + 9]!]! ^
      T[0x500 | data[i + 10]!]! ^
      T[0x400 | data[i + 11]!]! ^
      T[0x300 | data[i + 12]!]! ^
      T[0x200 | data[i + 13]!]! ^
      T[0x100 | data[i + 14]!]! ^
      T[data[i + 15]!]!
    i += 16
  }
  while (i < end) c = T[(c ^ data[i++]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}
