import { describe, expect, test } from 'vitest'
import { RestError } from '../src/errors/index.ts'
import {
  decodeBase64,
  encodeBase64,
  parseV2Records,
  parseV3Record,
  renderRecord,
} from '../src/records/index.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

function restError(run: () => unknown): RestError {
  try {
    run()
  } catch (error) {
    if (error instanceof RestError) return error
    throw error
  }
  throw new Error('expected a RestError')
}

describe('base64', () => {
  test('decodes standard base64, padded or not', () => {
    expect(decodeBase64('aGVsbG8=')).toEqual(bytes('hello'))
    expect(decodeBase64('aGVsbG8')).toEqual(bytes('hello'))
    expect(decodeBase64('')).toEqual(new Uint8Array(0))
    expect(decodeBase64('+/+/')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]))
    expect(encodeBase64(bytes('hello'))).toBe('aGVsbG8=')
  })

  test('refuses what Node would silently skip or misread', () => {
    for (const bad of ['aGVs bG8=', 'aGVsbG8*', '-_-_', 'aGVsbG8==', 'a', 'aGVsb=8', 'aG=', '===='])
      expect(decodeBase64(bad), bad).toBeUndefined()
  })
})

describe('v2 produce bodies', () => {
  test('binary records become bytes; missing and null keys are no key', () => {
    const records = parseV2Records(
      {
        records: [
          { key: 'a2V5', value: 'dmFsdWU=', partition: 2 },
          { value: null },
          { key: null, value: '' },
        ],
      },
      'binary',
    )
    expect(records).toEqual([
      { key: bytes('key'), value: bytes('value'), headers: [], partition: 2 },
      { key: null, value: null, headers: [], partition: undefined },
      { key: null, value: new Uint8Array(0), headers: [], partition: undefined },
    ])
  })

  test('json records become compact JSON text', () => {
    const [record] = parseV2Records(
      { records: [{ key: 'user-1', value: { amount: 3, tags: ['a'] } }] },
      'json',
    )
    expect(record?.key).toEqual(bytes('"user-1"'))
    expect(record?.value).toEqual(bytes('{"amount":3,"tags":["a"]}'))
  })

  test('bad input is 422 naming the field, bad base64 42207', () => {
    expect(restError(() => parseV2Records({ records: [] }, 'binary')).toBody()).toEqual({
      error_code: 422,
      message: 'records: records may not be empty',
    })
    expect(restError(() => parseV2Records(undefined, 'json')).errorCode).toBe(422)
    expect(
      restError(() => parseV2Records({ records: [{ value: 'x', partition: -1 }] }, 'json')).message,
    ).toMatch(/^records\[0\]\.partition/)
    expect(restError(() => parseV2Records({ records: [{ value: 5 }] }, 'binary')).message).toMatch(
      /^records\[0\]\.value/,
    )
    const base64 = restError(() =>
      parseV2Records({ records: [{ value: 'dmFs', key: 'not base64!' }] }, 'binary'),
    )
    expect(base64.toBody()).toEqual({
      error_code: 42207,
      message: 'records[0].key is not valid base64',
    })
    expect(base64.status).toBe(422)
  })
})

describe('v3 produce records', () => {
  test('BINARY, JSON and STRING data, headers, partition and timestamp', () => {
    const parsed = parseV3Record({
      partition_id: 1,
      headers: [
        { name: 'trace', value: 'AAE=' },
        { name: 'empty', value: null },
      ],
      key: { type: 'STRING', data: 'k1' },
      value: { type: 'JSON', data: { n: 1 } },
      timestamp: '2026-01-02T03:04:05.678Z',
    })
    expect(parsed.record).toEqual({
      key: bytes('k1'),
      value: bytes('{"n":1}'),
      headers: [
        { key: 'trace', value: new Uint8Array([0, 1]) },
        { key: 'empty', value: null },
      ],
      timestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      partition: 1,
    })
    expect(parsed.key).toEqual({ type: 'STRING', size: 2 })
    expect(parsed.value).toEqual({ type: 'JSON', size: 7 })
    const binary = parseV3Record({ value: { type: 'BINARY', data: 'aGk=' } })
    expect(binary.record.value).toEqual(bytes('hi'))
    expect(binary.key).toBeUndefined()
  })

  test('refuses schema types, bad base64, wrong data types and bad timestamps with their codes', () => {
    expect(restError(() => parseV3Record({ value: { type: 'AVRO', data: {} } })).errorCode).toBe(
      42206,
    )
    expect(restError(() => parseV3Record({ value: { data: 'x' } })).errorCode).toBe(42206)
    expect(
      restError(() => parseV3Record({ value: { type: 'BINARY', data: '%%%' } })).toBody(),
    ).toEqual({
      error_code: 42207,
      message: 'value.data is not valid base64',
    })
    expect(restError(() => parseV3Record({ headers: [{ name: 'h', value: '!' }] })).errorCode).toBe(
      42207,
    )
    expect(restError(() => parseV3Record({ value: { type: 'STRING', data: 5 } })).errorCode).toBe(
      422,
    )
    expect(restError(() => parseV3Record({ value: { type: 'TEXT', data: 'x' } })).errorCode).toBe(
      422,
    )
    expect(restError(() => parseV3Record({ timestamp: 'yesterday' })).errorCode).toBe(422)
    expect(restError(() => parseV3Record([1, 2])).errorCode).toBe(422)
  })
})

describe('rendering records for a partition read', () => {
  const record = {
    offset: 7,
    timestamp: 1_700_000_000_000,
    key: bytes('"k"'),
    value: bytes('{"a":1}'),
    headers: [{ key: 'h', value: bytes('v') }],
  }

  test('binary shows base64, json parses, headers are base64 either way', () => {
    expect(renderRecord('t', 2, record, 'binary')).toEqual({
      topic: 't',
      key: 'Imsi',
      value: 'eyJhIjoxfQ==',
      partition: 2,
      offset: 7,
      timestamp: 1_700_000_000_000,
      headers: [{ name: 'h', value: 'dg==' }],
    })
    expect(renderRecord('t', 2, record, 'json')).toMatchObject({ key: 'k', value: { a: 1 } })
  })

  test('a value that is not JSON cannot be shown as json: 40601', () => {
    const error = restError(() =>
      renderRecord('t', 0, { ...record, value: bytes('plain') }, 'json'),
    )
    expect(error.errorCode).toBe(40601)
    expect(error.message).toMatch(/offset 7/)
  })
})
