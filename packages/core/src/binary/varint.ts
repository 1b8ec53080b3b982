/**
 * Sizes of Kafka's protobuf-style variable-length integers, so an encoder can compute a record's
 * length before writing it.
 *
 * A varint is a zigzag-encoded int32 (0, -1, 1, -2 … map to 0, 1, 2, 3 …) written 7 bits per byte,
 * least significant group first, with the high bit set on every byte but the last: 1 to 5 bytes.
 * A varlong is the same over int64: 1 to 10 bytes. JS numbers carry varlongs up to ±(2^53 - 1);
 * beyond the int32 range they are handled as two 32-bit halves, so no bigint is ever needed.
 */

const TWO_POW_32 = 0x1_0000_0000

/** True for an integer that fits a varint (int32). */
export function isInt32(n: number): boolean {
  return (n | 0) === n
}

/** Bytes a varint takes for `n` (an int32). */
export function sizeOfVarint(n: number): number {
  return sizeOfUnsignedVarint(((n << 1) ^ (n >> 31)) >>> 0)
}

/** Bytes an unsigned varint takes for `n` (a uint32). */
export function sizeOfUnsignedVarint(n: number): number {
  if (n < 0x80) return 1
  if (n < 0x4000) return 2
  if (n < 0x20_0000) return 3
  if (n < 0x1000_0000) return 4
  return 5
}

/** Bytes a varlong takes for `n` (a safe integer). */
export function sizeOfVarlong(n: number): number {
  if (isInt32(n)) return sizeOfVarint(n)
  const [high] = zigzag64(n)
  // Beyond int32 the zigzag value needs more than 32 bits: count the bits of its high half.
  const bits = 64 - Math.clz32(high)
  return Math.ceil(bits / 7)
}

/**
 * The zigzag encoding of a safe integer as 64 bits, returned as [high, low] uint32 halves:
 * (n << 1) ^ (n >> 63), computed on the two's-complement halves of `n`.
 */
export function zigzag64(n: number): [high: number, low: number] {
  const low = n >>> 0
  // Exact: dividing by a power of two and flooring loses nothing for a safe integer.
  const high = Math.floor(n / TWO_POW_32) | 0
  const sign = high >> 31
  return [(((high << 1) | (low >>> 31)) ^ sign) >>> 0, ((low << 1) ^ sign) >>> 0]
}

/**
 * Undoes {@link zigzag64}: the signed value of the 64-bit zigzag [high, low], or NaN when it lies
 * outside the safe-integer range (the caller decides which error that is).
 */
export function unzigzag64(high: number, low: number): number {
  const sign = -(low & 1)
  const valueLow = (((low >>> 1) | (high << 31)) ^ sign) >>> 0
  const valueHigh = ((high >>> 1) ^ sign) | 0
  // Exact whenever the result is a safe integer; otherwise it rounds to at least 2^53 in magnitude.
  const value = valueHigh * TWO_POW_32 + valueLow
  return Number.isSafeInteger(value) ? value : Number.NaN
}
