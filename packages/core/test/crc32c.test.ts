import { describe, expect, it } from 'vitest'
import { crc32c } from '../src/index.ts'
import { randomBytes, seededRandom } from './seeded-random.ts'

/** The textbook byte-at-a-time CRC-32C, to check the sliced implementation against. */
function crc32cBitwise(data: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of data) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

describe('crc32c', () => {
  it('matches the standard check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(0))).toBe(0)
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    const ascending = Uint8Array.from({ length: 32 }, (_, i) => i)
    expect(crc32c(ascending)).toBe(0x46dd794e)
  })

  it('agrees with a bitwise CRC for every length around the 16-byte blocks', () => {
    const random = seededRandom(42)
    for (let length = 0; length < 80; length++) {
      const data = randomBytes(random, length)
      expect(crc32c(data), `length ${length}`).toBe(crc32cBitwise(data))
    }
    const large = randomBytes(random, 100_003)
    expect(crc32c(large)).toBe(crc32cBitwise(large))
  })

  it('reads only the view it is given', () => {
    const data = new TextEncoder().encode('xx123456789yy')
    expect(crc32c(data.subarray(2, 11))).toBe(0xe3069283)
  })

  it('continues a checksum over data in pieces', () => {
    const data = randomBytes(seededRandom(7), 1000)
    const whole = crc32c(data)
    for (const cut of [0, 1, 15, 16, 17, 500, 999, 1000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole)
    }
  })
})
