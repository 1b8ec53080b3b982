import {
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordInput,
  walkRecordBatch,
} from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { RestError } from '../src/errors/index.ts'
import { partitionFraming, RecordsWriter, renderRecord } from '../src/records/index.ts'

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (body: Uint8Array) => new TextDecoder().decode(body)

/** Keys and values that are JSON text, so both formats can show them. */
const jsonRecords: RecordInput[] = [
  { key: null, value: null, timestamp: 1 },
  { key: bytes('"k"'), value: bytes('{"a":[1,"é\\n"]}'), timestamp: 1_796_000_000_000 },
  {
    key: bytes('1'),
    value: bytes(' "spaced" '),
    timestamp: 0,
    headers: [
      { key: 'trace "id"\n ключ', value: bytes('\u0000\u00ff') },
      { key: '', value: null },
    ],
  },
]

/** Bytes of every length modulo 3, and an empty key: for base64's padding cases. */
const binaryRecords: RecordInput[] = [
  ...jsonRecords,
  { key: new Uint8Array(0), value: bytes('7'), timestamp: 2 ** 45 },
  ...[1, 2, 3, 4, 5].map((length) => ({
    key: Uint8Array.from({ length }, (_, i) => 250 - i * 37),
    value: bytes(`${length}`),
    timestamp: 9,
  })),
]

function write(
  batch: Uint8Array,
  topic: string,
  format: 'binary' | 'json',
  framing: 'json-items' | 'event-stream',
) {
  // A tiny initial capacity, so growing the buffer is exercised too.
  const writer = new RecordsWriter(framing, 8)
  const part = partitionFraming(topic, 3)
  walkRecordBatch(batch, (view) => {
    writer.add(part, view, format)
    return true
  })
  return { count: writer.count, text: text(writer.finish()) }
}

describe('RecordsWriter', () => {
  for (const format of ['binary', 'json'] as const) {
    for (const compression of ['none', 'gzip'] as const) {
      it(`writes what JSON.stringify(renderRecord(…)) writes (${format}, ${compression})`, () => {
        const baseOffset = 2 ** 40
        const records = format === 'binary' ? binaryRecords : jsonRecords
        const batch = encodeRecordBatch(records, { baseOffset, compression })
        const expected = decodeRecordBatch(batch).records.map((record) =>
          JSON.stringify(renderRecord('orders.v1', 3, record, format)),
        )
        const items = write(batch, 'orders.v1', format, 'json-items')
        expect(items.count).toBe(records.length)
        expect(items.text).toBe(expected.join(','))
        const events = write(batch, 'orders.v1', format, 'event-stream')
        expect(events.text).toBe(
          expected
            .map((json, i) => `id: orders.v1:3:${baseOffset + i}\nevent: record\ndata: ${json}\n\n`)
            .join(''),
        )
      })
    }
  }

  it('refuses a value that is not JSON (or not UTF-8) in the json format, as renderRecord does', () => {
    for (const value of [bytes('{'), new Uint8Array([0x22, 0xff, 0x22])]) {
      const batch = encodeRecordBatch([{ key: null, value }], { baseOffset: 4 })
      expect(() => write(batch, 't', 'json', 'json-items')).toThrow(RestError)
      expect(() => write(batch, 't', 'json', 'json-items')).toThrow(/offset 4/)
    }
  })
})
