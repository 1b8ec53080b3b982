import { describe, expect, it } from 'vitest'
import {
  CorruptRecordError,
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordView,
  type StoredRecord,
  walkRecordBatch,
} from '../src/index.ts'
import { mixed } from './batch-fixtures.ts'

/** What a visitor sees, copied out of the reused view. */
function collect(bytes: Uint8Array, stopAfter = Number.POSITIVE_INFINITY): StoredRecord[] {
  const seen: StoredRecord[] = []
  walkRecordBatch(bytes, (view: RecordView) => {
    const slice = (start: number, length: number) =>
      length < 0 ? null : view.source.slice(start, start + length)
    seen.push({
      offset: view.offset,
      timestamp: view.timestamp,
      key: slice(view.keyStart, view.keyLength),
      value: slice(view.valueStart, view.valueLength),
      headers: view.headers,
    })
    return seen.length < stopAfter
  })
  return seen
}

describe('walkRecordBatch', () => {
  for (const compression of ['none', 'gzip'] as const) {
    it(`sees what decodeRecordBatch decodes (${compression})`, () => {
      const bytes = encodeRecordBatch(mixed, { baseOffset: 40, compression })
      expect(collect(bytes)).toEqual(decodeRecordBatch(bytes).records)
    })
  }

  it('stops when the visitor returns false', () => {
    const bytes = encodeRecordBatch(mixed, { baseOffset: 3 })
    expect(collect(bytes, 2).map((record) => record.offset)).toEqual([3, 4])
  })

  it('refuses a batch whose CRC does not match', () => {
    const bytes = encodeRecordBatch(mixed)
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff
    expect(() => collect(bytes)).toThrow(CorruptRecordError)
  })
})
