// biome-ignore-all lint/style/noNonNullAssertion: every index below is within data.length by construction.
/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), the hash behind the default
 * partitioner: MurmurHash2 with seed 0x9747b28c, reading the key as little-endian 32-bit words.
 * Math.imul and the 32-bit shifts reproduce Java's int arithmetic exactly.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995
const R = 24

/** The murmur2 hash of `data`, as Java's signed int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = SEED ^ length
  const tail = length & ~3
  for (let i = 0; i < tail; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> R
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  const rest = length & 3
  if (rest === 3) h ^= data[tail + 2]! << 16
  if (rest >= 2) h ^= data[tail + 1]! << 8
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, M)
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which fails on -2^31). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}
