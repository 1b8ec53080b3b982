import { describe, expect, it } from 'vitest'
import {
  batchSizeOf,
  CorruptRecordError,
  crc32c,
  decodeRecordBatch,
  decodeRecordBatches,
  ErrorCode,
  encodeRecordBatch,
  lastOffsetOf,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  setLogAppendTime,
  stampBatch,
  TributaryError,
  verifyBatchCrc,
} from '../src/index.ts'
import { mixed, stored, T0, utf8 } from './batch-fixtures.ts'

describe('record batch round trips', () => {
  it('round-trips null keys and values, empty values, headers and 64-bit deltas', () => {
    const batch = encodeRecordBatch(mixed, { baseOffset: 100 })
    const { header, records } = decodeRecordBatch(batch)
    expect(records).toEqual(stored(mixed, 100))
    expect(header).toMatchObject({
      baseOffset: 100,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      attributes: 0,
      compression: 'none',
      timestampType: 'CreateTime',
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: 3,
      baseTimestamp: T0,
      maxTimestamp: T0 + 2 ** 33,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 4,
    })
    expect(header.crc).toBe(crc32c(batch.subarray(21)))
    expect(batchSizeOf(header)).toBe(batch.length)
    expect(lastOffsetOf(header)).toBe(103)
  })

  it('round-trips through gzip', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      key: utf8(`key-${i % 7}`),
      value: utf8(`value ${i} `.repeat(10)),
      timestamp: T0 + i,
      headers: i % 3 === 0 ? [{ key: 'n', value: utf8(String(i)) }] : [],
    }))
    const plain = encodeRecordBatch(many)
    const gzipped = encodeRecordBatch(many, { compression: 'gzip' })
    expect(gzipped.length).toBeLessThan(plain.length / 4)
    const { header, records } = decodeRecordBatch(gzipped)
    expect(header.compression).toBe('gzip')
    expect(header.attributes & 0x07).toBe(1)
    expect(records).toEqual(stored(many))
    expect(decodeRecordBatch(encodeRecordBatch(mixed, { compression: 'gzip' })).records).toEqual(
      stored(mixed),
    )
  })

  it('encodes the same records to the same bytes, gzip included', () => {
    expect(encodeRecordBatch(mixed, { compression: 'gzip' })).toEqual(
      encodeRecordBatch(mixed, { compression: 'gzip' }),
    )
  })

  it('keeps producer fields and the transactional and control flags', () => {
    const batch = encodeRecordBatch([{ key: null, value: utf8('v'), timestamp: T0 }], {
      producerId: 2 ** 40 + 7,
      producerEpoch: 32767,
      baseSequence: 2 ** 31 - 1,
      partitionLeaderEpoch: 12,
      isTransactional: true,
      isControl: true,
    })
    const header = readBatchHeader(batch)
    expect(header).toMatchObject({
      producerId: 2 ** 40 + 7,
      producerEpoch: 32767,
      baseSequence: 2 ** 31 - 1,
      partitionLeaderEpoch: 12,
      isTransactional: true,
      isControl: true,
      attributes: 0x30,
    })
  })

  it('stamps records without a timestamp with one reading of the clock', () => {
    let reads = 0
    const now = () => {
      reads++
      return T0 + 42
    }
    const batch = encodeRecordBatch(
      [
        { key: null, value: utf8('a') },
        { key: null, value: utf8('b'), timestamp: T0 },
        { key: null, value: utf8('c') },
      ],
      { now },
    )
    expect(reads).toBe(1)
    const { header, records } = decodeRecordBatch(batch)
    expect(records.map((r) => r.timestamp)).toEqual([T0 + 42, T0, T0 + 42])
    expect(header.baseTimestamp).toBe(T0 + 42)
    expect(header.maxTimestamp).toBe(T0 + 42)
  })

  it('encodes a LogAppendTime batch whose records report the append time', () => {
    const batch = encodeRecordBatch(mixed, { timestampType: 'LogAppendTime', now: () => T0 + 9 })
    const { header, records } = decodeRecordBatch(batch)
    expect(header.timestampType).toBe('LogAppendTime')
    expect(header.maxTimestamp).toBe(T0 + 9)
    expect(records.every((r) => r.timestamp === T0 + 9)).toBe(true)
  })

  it('returns keys and values as views of an uncompressed batch', () => {
    const batch = encodeRecordBatch(mixed)
    const { records } = decodeRecordBatch(batch)
    expect(records[0]?.value?.buffer).toBe(batch.buffer)
  })

  it('decodes a batch inside a larger buffer and a concatenation of batches', () => {
    const a = encodeRecordBatch(mixed.slice(0, 2), { baseOffset: 0 })
    const b = encodeRecordBatch(mixed.slice(2), { baseOffset: 2, compression: 'gzip' })
    const joined = new Uint8Array(5 + a.length + b.length)
    joined.set(a, 5)
    joined.set(b, 5 + a.length)
    expect(decodeRecordBatch(joined, 5 + a.length).records).toEqual(stored(mixed.slice(2), 2))
    const all = decodeRecordBatches(joined.subarray(5))
    expect(all.map((batch) => batch.header.baseOffset)).toEqual([0, 2])
    expect(all.flatMap((batch) => batch.records)).toEqual(stored(mixed))
  })

  it('refuses an empty record list and invalid numbers', () => {
    const invalid = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        expect(error).toBeInstanceOf(TributaryError)
        expect((error as TributaryError).code).toBe(ErrorCode.InvalidRecord)
        return
      }
      expect.unreachable('expected an InvalidRecord error')
    }
    const one = [{ key: null, value: null, timestamp: T0 }]
    invalid(() => encodeRecordBatch([]))
    invalid(() => encodeRecordBatch([{ key: null, value: null, timestamp: -5 }]))
    invalid(() => encodeRecordBatch([{ key: null, value: null, timestamp: 2 ** 53 }]))
    invalid(() => encodeRecordBatch(one, { baseOffset: -1 }))
    invalid(() => encodeRecordBatch(one, { producerEpoch: 40000 }))
    invalid(() => encodeRecordBatch(one, { baseSequence: 2 ** 31 }))
    invalid(() => encodeRecordBatch(one, { partitionLeaderEpoch: 0.5 }))
  })
})

describe('record batch header', () => {
  it('has a 61-byte overhead: a batch of one empty record is 61 + 7 bytes', () => {
    expect(RECORD_BATCH_OVERHEAD).toBe(61)
    // length(1) attributes(1) timestampDelta(1) offsetDelta(1) key(1) value(1) headers(1)
    const batch = encodeRecordBatch([{ key: null, value: null, timestamp: T0 }])
    expect(batch.length).toBe(RECORD_BATCH_OVERHEAD + 7)
  })

  it('reads a header at an offset into a buffer', () => {
    const batch = encodeRecordBatch(mixed, { baseOffset: 7 })
    const padded = new Uint8Array(batch.length + 10)
    padded.set(batch, 3)
    expect(readBatchHeader(padded, 3)).toEqual(readBatchHeader(batch))
    expect(readBatchHeader(padded.subarray(3)).baseOffset).toBe(7)
  })

  it('refuses fewer than 61 bytes, a wrong magic, a bad or overlong batchLength', () => {
    const batch = encodeRecordBatch(mixed)
    expect(() => readBatchHeader(batch.subarray(0, 60))).toThrow(CorruptRecordError)
    const magic1 = batch.slice()
    magic1[16] = 1
    expect(() => readBatchHeader(magic1)).toThrow(/magic 1/)
    const tooSmall = batch.slice()
    new DataView(tooSmall.buffer).setInt32(8, 48)
    expect(() => readBatchHeader(tooSmall)).toThrow(/batchLength 48/)
    const pastEnd = batch.slice()
    new DataView(pastEnd.buffer).setInt32(8, batch.length - 11)
    expect(() => readBatchHeader(pastEnd)).toThrow(/truncated/)
    expect(() => readBatchHeader(batch.subarray(0, batch.length - 1))).toThrow(CorruptRecordError)
  })

  it('stampBatch sets base offset and leader epoch and leaves the CRC valid', () => {
    const batch = encodeRecordBatch(mixed, { compression: 'gzip' })
    const crc = readBatchHeader(batch).crc
    stampBatch(batch, 2 ** 45, 17)
    verifyBatchCrc(batch)
    const { header, records } = decodeRecordBatch(batch)
    expect(header).toMatchObject({ baseOffset: 2 ** 45, partitionLeaderEpoch: 17, crc })
    expect(records.map((r) => r.offset)).toEqual([0, 1, 2, 3].map((i) => 2 ** 45 + i))
  })

  it('stampBatch works at an offset and refuses invalid numbers', () => {
    const a = encodeRecordBatch(mixed.slice(0, 1))
    const b = encodeRecordBatch(mixed.slice(1))
    const joined = new Uint8Array([...a, ...b])
    stampBatch(joined, 50, 3, a.length)
    expect(decodeRecordBatches(joined).map((d) => d.header.baseOffset)).toEqual([0, 50])
    expect(() => stampBatch(a, -1, 0)).toThrow(TributaryError)
    expect(() => stampBatch(a, 0, 2 ** 31)).toThrow(TributaryError)
  })

  it('setLogAppendTime sets the type and max timestamp and recomputes the CRC', () => {
    for (const compression of ['none', 'gzip'] as const) {
      const batch = encodeRecordBatch(mixed, { compression, isTransactional: true })
      setLogAppendTime(batch, T0 + 1000)
      verifyBatchCrc(batch)
      const { header, records } = decodeRecordBatch(batch)
      expect(header).toMatchObject({
        timestampType: 'LogAppendTime',
        maxTimestamp: T0 + 1000,
        baseTimestamp: T0,
        isTransactional: true,
        compression,
      })
      expect(records.map((r) => r.timestamp)).toEqual([1, 2, 3, 4].map(() => T0 + 1000))
    }
  })
})
