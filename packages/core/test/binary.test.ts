import Encoder from 'kafkajs/src/protocol/encoder.js'
import { describe, expect, it } from 'vitest'
import {
  Reader,
  readUtf8,
  sizeOfVarint,
  sizeOfVarlong,
  utf8Length,
  Writer,
} from '../src/binary/index.ts'
import { CorruptRecordError } from '../src/index.ts'
import { seededRandom } from './seeded-random.ts'

const INT32_EDGES = [0, 1, -1, 63, -64, 64, -65, 127, 128, 8191, 8192, 2 ** 31 - 1, -(2 ** 31)]
const INT64_EDGES = [
  ...INT32_EDGES,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 35 - 1,
  2 ** 35,
  1_700_000_000_000,
  -1_700_000_000_000,
  2 ** 49,
  2 ** 52 + 1,
  2 ** 53 - 2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER + 1,
]

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

describe('binary writer and reader', () => {
  it('round-trips fixed-width integers', () => {
    const w = new Writer(1)
      .writeInt8(-128)
      .writeInt8(127)
      .writeInt16(-32768)
      .writeInt32(-(2 ** 31))
      .writeUint32(0xffffffff)
      .writeInt64(Number.MIN_SAFE_INTEGER)
      .writeInt64(Number.MAX_SAFE_INTEGER)
      .writeInt64(-1)
    const r = new Reader(w.finish())
    expect(r.readInt8()).toBe(-128)
    expect(r.readInt8()).toBe(127)
    expect(r.readInt16()).toBe(-32768)
    expect(r.readInt32()).toBe(-(2 ** 31))
    expect(r.readUint32()).toBe(0xffffffff)
    expect(r.readInt64()).toBe(Number.MIN_SAFE_INTEGER)
    expect(r.readInt64()).toBe(Number.MAX_SAFE_INTEGER)
    expect(r.readInt64()).toBe(-1)
    expect(r.remaining).toBe(0)
  })

  it('writes int64 big-endian, two-complement', () => {
    expect(hex(new Writer().writeInt64(-2).finish())).toBe('fffffffffffffffe')
    expect(hex(new Writer().writeInt64(2 ** 40 + 5).finish())).toBe('0000010000000005')
  })

  it('refuses an int64 outside the safe-integer range as corrupt', () => {
    const bytes = new Uint8Array([0x00, 0x20, 0, 0, 0, 0, 0, 0]) // 2^53
    expect(() => new Reader(bytes).readInt64()).toThrow(CorruptRecordError)
    const minusTwoPow53 = new Uint8Array([0xff, 0xe0, 0, 0, 0, 0, 0, 0])
    expect(() => new Reader(minusTwoPow53).readInt64()).toThrow(CorruptRecordError)
  })

  it('round-trips varints at their edges with the sizes it predicts', () => {
    for (const n of INT32_EDGES) {
      const bytes = new Writer().writeVarint(n).finish()
      expect(bytes.length).toBe(sizeOfVarint(n))
      const r = new Reader(bytes)
      expect(r.readVarint()).toBe(n)
      expect(r.remaining).toBe(0)
    }
  })

  it('zigzags varints as Kafka does', () => {
    expect(hex(new Writer().writeVarint(0).finish())).toBe('00')
    expect(hex(new Writer().writeVarint(-1).finish())).toBe('01')
    expect(hex(new Writer().writeVarint(1).finish())).toBe('02')
    expect(hex(new Writer().writeVarint(-64).finish())).toBe('7f')
    expect(hex(new Writer().writeVarint(64).finish())).toBe('8001')
    expect(hex(new Writer().writeVarint(2 ** 31 - 1).finish())).toBe('feffffff0f')
    expect(hex(new Writer().writeVarint(-(2 ** 31)).finish())).toBe('ffffffff0f')
  })

  it('round-trips varlongs up to ±(2^53 - 1) with the sizes it predicts', () => {
    for (const n of INT64_EDGES) {
      const bytes = new Writer().writeVarlong(n).finish()
      expect(bytes.length, `size of ${n}`).toBe(sizeOfVarlong(n))
      const r = new Reader(bytes)
      expect(r.readVarlong(), `value of ${n}`).toBe(n)
      expect(r.remaining).toBe(0)
    }
  })

  it('writes the same varint and varlong bytes as kafkajs', () => {
    for (const n of INT32_EDGES) {
      const ours = new Writer().writeVarint(n).finish()
      expect(hex(ours)).toBe(new Encoder().writeVarInt(n).buffer.toString('hex'))
    }
    for (const n of INT64_EDGES) {
      const ours = new Writer().writeVarlong(n).finish()
      expect(hex(ours), `varlong ${n}`).toBe(
        new Encoder().writeVarLong(BigInt(n)).buffer.toString('hex'),
      )
    }
  })

  it('agrees with kafkajs on random varlongs', () => {
    const random = seededRandom(0x5eed)
    for (let i = 0; i < 2000; i++) {
      const magnitude = 2 ** Math.floor(random() * 54)
      const n = Math.trunc((random() * 2 - 1) * magnitude) + 0 // + 0 turns -0 into 0
      const ours = new Writer().writeVarlong(n).finish()
      expect(hex(ours), `varlong ${n}`).toBe(
        new Encoder().writeVarLong(BigInt(n)).buffer.toString('hex'),
      )
      expect(new Reader(ours).readVarlong()).toBe(n)
    }
  })

  it('refuses a varlong beyond the safe-integer range as corrupt', () => {
    const twoPow53 = new Encoder().writeVarLong(2n ** 53n).buffer
    expect(() => new Reader(new Uint8Array(twoPow53)).readVarlong()).toThrow(CorruptRecordError)
    const int64Min = new Encoder().writeVarLong(-(2n ** 63n)).buffer
    expect(() => new Reader(new Uint8Array(int64Min)).readVarlong()).toThrow(/not a safe integer/)
  })

  it('refuses over-long varints and varlongs', () => {
    const six = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
    expect(() => new Reader(six).readVarint()).toThrow(/longer than 5 bytes/)
    const eleven = new Uint8Array([...new Array(10).fill(0x80), 0x00])
    expect(() => new Reader(eleven).readVarlong()).toThrow(/longer than 10 bytes/)
  })

  it('throws CorruptRecordError when a read runs past the end', () => {
    expect(() => new Reader(new Uint8Array(3)).readInt32()).toThrow(CorruptRecordError)
    expect(() => new Reader(new Uint8Array(7)).readInt64()).toThrow(CorruptRecordError)
    expect(() => new Reader(new Uint8Array([0x80])).readVarint()).toThrow(CorruptRecordError)
    expect(() => new Reader(new Uint8Array([0x80, 0x80])).readVarlong()).toThrow(/past the end/)
    expect(() => new Reader(new Uint8Array([0x08, 1, 2])).readVarintBytes()).toThrow(
      CorruptRecordError,
    )
    expect(() => new Reader(new Uint8Array(0)).readInt8()).toThrow(CorruptRecordError)
    // The reader's window, not the array, bounds it.
    expect(() => new Reader(new Uint8Array(8), 2, 5).readInt32()).toThrow(CorruptRecordError)
  })

  it('round-trips nullable bytes and returns views of the input', () => {
    const payload = new Uint8Array([1, 2, 3])
    const bytes = new Writer()
      .writeVarintBytes(null)
      .writeVarintBytes(new Uint8Array(0))
      .writeVarintBytes(payload)
      .writeCompactBytes(null)
      .writeCompactBytes(payload)
      .finish()
    const r = new Reader(bytes)
    expect(r.readVarintBytes()).toBeNull()
    expect(r.readVarintBytes()).toEqual(new Uint8Array(0))
    const view = r.readVarintBytes()
    expect(view).toEqual(payload)
    expect(view?.buffer).toBe(bytes.buffer)
    expect(r.readCompactBytes()).toBeNull()
    expect(r.readCompactBytes()).toEqual(payload)
    expect(r.remaining).toBe(0)
  })

  it('refuses a negative length other than -1', () => {
    const bytes = new Writer().writeVarint(-2).finish()
    expect(() => new Reader(bytes).readVarintBytes()).toThrow(/negative length/)
  })

  it('grows past its initial capacity', () => {
    const w = new Writer(2)
    for (let i = 0; i < 1000; i++) w.writeInt32(i)
    const r = new Reader(w.finish())
    for (let i = 0; i < 1000; i++) expect(r.readInt32()).toBe(i)
  })

  it('refuses to write values outside a field type', () => {
    expect(() => new Writer().writeVarint(2 ** 31)).toThrow(RangeError)
    expect(() => new Writer().writeVarint(1.5)).toThrow(RangeError)
    expect(() => new Writer().writeVarlong(2 ** 53)).toThrow(RangeError)
    expect(() => new Writer().writeInt64(Number.NaN)).toThrow(RangeError)
  })
})

describe('utf8', () => {
  const wellFormed = [
    '',
    'trace-id',
    'ключ',
    '键',
    'emoji 🌊 stream',
    '\ufeffbom first',
    'x'.repeat(40),
    `${'a'.repeat(31)}é`,
  ]
  const loneSurrogates = ['lone \ud800 high', 'lone \udc00 low', 'trailing \ud83c']

  it('encodes exactly as TextEncoder does and measures the length first', () => {
    const encoder = new TextEncoder()
    for (const text of [...wellFormed, ...loneSurrogates]) {
      const expected = encoder.encode(text)
      expect(utf8Length(text), text).toBe(expected.length)
      const r = new Reader(new Writer().writeVarintString(text).finish())
      expect(r.readVarint()).toBe(expected.length)
      expect(r.readBytes(expected.length)).toEqual(expected)
    }
  })

  it('decodes back to the same string, a leading BOM included', () => {
    for (const text of wellFormed) {
      const bytes = new TextEncoder().encode(text)
      expect(readUtf8(bytes, 0, bytes.length)).toBe(text)
      expect(new Reader(new Writer().writeVarintString(text).finish()).readVarintString()).toBe(
        text,
      )
    }
  })

  it('replaces invalid sequences with U+FFFD', () => {
    expect(readUtf8(new Uint8Array([0x61, 0xff, 0x62]), 0, 3)).toBe('a\ufffdb')
  })
})
