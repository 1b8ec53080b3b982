import { describe, expect, it } from 'vitest'
import {
  CorruptRecordError,
  crc32c,
  decodeRecordBatch,
  encodeRecordBatch,
  readBatchHeader,
  splitBatches,
  UnsupportedCompressionError,
  verifyBatchCrc,
} from '../src/index.ts'
import { mixed } from './batch-fixtures.ts'

describe('record batch corruption', () => {
  it('catches a flipped bit at every byte of the CRC range', () => {
    for (const compression of ['none', 'gzip'] as const) {
      const batch = encodeRecordBatch(mixed, { compression })
      for (let at = 21; at < batch.length; at++) {
        const copy = batch.slice()
        copy[at] = (copy[at] as number) ^ (1 << (at % 8))
        expect(() => verifyBatchCrc(copy), `byte ${at}`).toThrow(CorruptRecordError)
        expect(() => decodeRecordBatch(copy), `byte ${at}`).toThrow(CorruptRecordError)
      }
    }
  })

  it('names the stored and computed CRC', () => {
    const batch = encodeRecordBatch(mixed)
    const stored = readBatchHeader(batch).crc
    batch[70] = (batch[70] as number) ^ 0xff
    const computed = crc32c(batch.subarray(21))
    const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`
    expect(() => verifyBatchCrc(batch)).toThrow(`stored ${hex(stored)}, computed ${hex(computed)}`)
  })

  it('catches a corrupt CRC field itself', () => {
    const batch = encodeRecordBatch(mixed)
    batch[18] = (batch[18] as number) ^ 1
    expect(() => decodeRecordBatch(batch)).toThrow(/CRC/)
  })

  it('refuses a truncated batch', () => {
    const batch = encodeRecordBatch(mixed)
    for (const length of [0, 12, 60, 61, batch.length - 1]) {
      expect(() => decodeRecordBatch(batch.subarray(0, length))).toThrow(CorruptRecordError)
    }
  })

  it('refuses records that disagree with their lengths or count (CRC valid)', () => {
    const batch = encodeRecordBatch(mixed)
    const withCount = (count: number) => {
      const copy = batch.slice()
      new DataView(copy.buffer).setInt32(57, count)
      new DataView(copy.buffer).setUint32(17, crc32c(copy.subarray(21)))
      return copy
    }
    expect(() => decodeRecordBatch(withCount(5))).toThrow(CorruptRecordError)
    expect(() => decodeRecordBatch(withCount(3))).toThrow(/follow the last of 3 records/)
    expect(() => decodeRecordBatch(withCount(-1))).toThrow(/negative record count/)
    // The first record's length varint (zigzag: ±2 is ±1 byte) one byte off either way.
    for (const change of [2, -2]) {
      const copy = batch.slice()
      copy[61] = (copy[61] as number) + change
      new DataView(copy.buffer).setUint32(17, crc32c(copy.subarray(21)))
      expect(() => decodeRecordBatch(copy)).toThrow(/record 0 claims/)
    }
  })

  it('refuses unknown codec ids 5-7 as corrupt', () => {
    for (const id of [5, 6, 7]) {
      const batch = encodeRecordBatch(mixed)
      batch[22] = id
      expect(() => readBatchHeader(batch)).toThrow(CorruptRecordError)
      expect(() => readBatchHeader(batch)).toThrow(`codec id ${id}`)
    }
  })
})

describe('compression codecs', () => {
  it('refuses snappy, lz4 and zstd by name, on encode and decode', () => {
    for (const [compression, id] of [
      ['snappy', 2],
      ['lz4', 3],
      ['zstd', 4],
    ] as const) {
      const message = `compression codec '${compression}' is not supported; use none or gzip`
      expect(() => encodeRecordBatch(mixed, { compression })).toThrow(UnsupportedCompressionError)
      expect(() => encodeRecordBatch(mixed, { compression })).toThrow(message)
      // A batch from a Kafka client: the header still reads, the records do not.
      const batch = encodeRecordBatch(mixed)
      batch[22] = id
      new DataView(batch.buffer).setUint32(17, crc32c(batch.subarray(21)))
      expect(readBatchHeader(batch).compression).toBe(compression)
      verifyBatchCrc(batch)
      expect(() => decodeRecordBatch(batch)).toThrow(message)
    }
  })

  it('refuses gzip data that is not gzip, as corrupt', () => {
    const batch = encodeRecordBatch(mixed)
    batch[22] = 1
    new DataView(batch.buffer).setUint32(17, crc32c(batch.subarray(21)))
    expect(() => decodeRecordBatch(batch)).toThrow(CorruptRecordError)
  })
})

describe('splitBatches', () => {
  it('returns a view of each batch in a concatenation', () => {
    const sizes = [1, 3, 2]
    const batches = sizes.map((n, i) =>
      encodeRecordBatch(mixed.slice(0, n), { baseOffset: i * 10 }),
    )
    const joined = new Uint8Array(batches.reduce((sum, b) => sum + b.length, 0))
    let at = 0
    for (const batch of batches) {
      joined.set(batch, at)
      at += batch.length
    }
    const parts = splitBatches(joined)
    expect(parts).toEqual(batches)
    expect(parts.every((part) => part.buffer === joined.buffer)).toBe(true)
    expect(splitBatches(new Uint8Array(0))).toEqual([])
  })

  it('refuses a truncated tail', () => {
    const a = encodeRecordBatch(mixed)
    const joined = new Uint8Array([...a, ...a])
    expect(() => splitBatches(joined.subarray(0, a.length + 30))).toThrow(CorruptRecordError)
    expect(() => splitBatches(joined.subarray(0, joined.length - 1))).toThrow(/truncated/)
  })
})
