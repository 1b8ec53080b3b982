/** Records shared by the batch tests: every shape a record can take. */
import type { RecordInput, StoredRecord } from '../src/index.ts'

export const utf8 = (text: string) => new TextEncoder().encode(text)
export const T0 = 1_700_000_000_000

export const mixed: RecordInput[] = [
  { key: null, value: utf8('no key'), timestamp: T0 },
  { key: utf8('k1'), value: null, timestamp: T0 + 5 },
  { key: utf8('k2'), value: new Uint8Array(0), timestamp: T0 - 3 },
  {
    key: utf8('k3'),
    value: utf8('with headers'),
    timestamp: T0 + 2 ** 33, // a delta beyond 32 bits
    headers: [
      { key: 'trace', value: utf8('abc') },
      { key: 'empty', value: new Uint8Array(0) },
      { key: 'nothing', value: null },
      { key: 'trace', value: utf8('repeated key, order kept') },
      { key: 'ключ 🌊', value: utf8('unicode key') },
    ],
  },
]

/** What decoding `records` written at `baseOffset` must give back. */
export function stored(records: readonly RecordInput[], baseOffset = 0): StoredRecord[] {
  return records.map((record, i) => ({
    offset: baseOffset + i,
    timestamp: record.timestamp ?? Number.NaN,
    key: record.key,
    value: record.value,
    headers: record.headers ?? [],
  }))
}
