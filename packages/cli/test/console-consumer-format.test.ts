import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RECORD_FORMAT,
  formatHeaders,
  formatRecord,
  formatTimestamp,
} from '../src/console-consumer/index.ts'
import type { ConsumedRecord } from '../src/rest/index.ts'

const b64 = (text: string): string => Buffer.from(text).toString('base64')

const record: ConsumedRecord = {
  topic: 't',
  partition: 2,
  offset: 41,
  key: b64('user-1'),
  value: b64('héllo wörld'),
  timestamp: 1_700_000_000_123,
  headers: [
    { name: 'trace', value: b64('abc') },
    { key: 'empty', value: null },
  ],
}

describe('console-consumer record lines', () => {
  it('prints only the UTF-8 value by default', () => {
    expect(formatRecord(record, DEFAULT_RECORD_FORMAT)).toBe('héllo wörld\n')
  })

  it("prints Kafka's fields in Kafka's order with the key separator between them", () => {
    const format = {
      ...DEFAULT_RECORD_FORMAT,
      printKey: true,
      printTimestamp: true,
      printHeaders: true,
      printPartition: true,
      printOffset: true,
    }
    expect(formatRecord(record, format)).toBe(
      'CreateTime:1700000000123\tPartition:2\tOffset:41\ttrace:abc,empty:null\tuser-1\théllo wörld\n',
    )
    expect(
      formatRecord(record, { ...DEFAULT_RECORD_FORMAT, printKey: true, keySeparator: ':' }),
    ).toBe('user-1:héllo wörld\n')
  })

  it('prints null.literal for a missing key or value', () => {
    const tombstone = { ...record, key: null, value: null }
    expect(formatRecord(tombstone, { ...DEFAULT_RECORD_FORMAT, printKey: true })).toBe(
      'null\tnull\n',
    )
    expect(
      formatRecord(tombstone, { ...DEFAULT_RECORD_FORMAT, printKey: true, nullLiteral: '<none>' }),
    ).toBe('<none>\t<none>\n')
  })

  it('can leave the value out and change the line separator', () => {
    expect(
      formatRecord(record, {
        ...DEFAULT_RECORD_FORMAT,
        printKey: true,
        printValue: false,
        lineSeparator: '|',
      }),
    ).toBe('user-1|')
  })

  it('reads timestamps as numbers or RFC 3339, with the type when the server says it', () => {
    expect(formatTimestamp({ ...record, timestamp: '2023-11-14T22:13:20.123Z' })).toBe(
      'CreateTime:1700000000123',
    )
    expect(formatTimestamp({ ...record, timestamp_type: 'LOG_APPEND_TIME' })).toBe(
      'LogAppendTime:1700000000123',
    )
    expect(formatTimestamp({ ...record, timestamp: undefined })).toBe('NO_TIMESTAMP')
    expect(formatTimestamp({ ...record, timestamp: -1 })).toBe('NO_TIMESTAMP')
  })

  it("prints NO_HEADERS when there are none, and honours the headers' separators", () => {
    expect(formatHeaders([], DEFAULT_RECORD_FORMAT)).toBe('NO_HEADERS')
    expect(formatHeaders(undefined, DEFAULT_RECORD_FORMAT)).toBe('NO_HEADERS')
    expect(
      formatHeaders(record.headers, {
        ...DEFAULT_RECORD_FORMAT,
        headersSeparator: ';',
        headersKeySeparator: '=',
      }),
    ).toBe('trace=abc;empty=null')
  })
})
