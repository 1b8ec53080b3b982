// Interop with kafkajs's RecordBatch v2 encoder and decoder, an independent implementation.
// kafkajs works on Node Buffers and compresses gzip with node:zlib; Node, Bun and Deno all
// provide both, so these tests run on every runtime.
import { Buffer } from 'node:buffer'
import Decoder from 'kafkajs/src/protocol/decoder.js'
import compression from 'kafkajs/src/protocol/message/compression/index.js'
import KafkajsRecord from 'kafkajs/src/protocol/recordBatch/record/v0/index.js'
import kafkajsDecode from 'kafkajs/src/protocol/recordBatch/v0/decoder.js'
import kafkajsBatch from 'kafkajs/src/protocol/recordBatch/v0/index.js'
import Long from 'kafkajs/src/utils/long.js'
import { describe, expect, it } from 'vitest'
import type { RecordHeader, RecordInput, StoredRecord } from '../src/index.ts'
import { decodeRecordBatch, encodeRecordBatch, verifyBatchCrc } from '../src/index.ts'

const T0 = 1_700_000_000_000
const bytes = (text: string) => new TextEncoder().encode(text)
const hex = (data: Uint8Array | null) => (data === null ? null : Buffer.from(data).toString('hex'))

/** Headers grouped by key as kafkajs models them (a repeated key becomes an array). */
type KafkajsHeaders = Record<string, Buffer | null | Array<Buffer | null>>

/** Test records whose headers keep each key's values together, the one order kafkajs keeps. */
const records: RecordInput[] = [
  { key: null, value: bytes('keyless'), timestamp: T0 },
  { key: bytes('user-1'), value: null, timestamp: T0 + 1 },
  { key: bytes('user-2'), value: new Uint8Array(0), timestamp: T0 + 1 },
  {
    key: bytes('user-3'),
    value: bytes('value with headers'),
    timestamp: T0 + 2 ** 33,
    headers: [
      { key: 'trace-id', value: bytes('a1b2') },
      { key: 'multi', value: bytes('first') },
      { key: 'multi', value: bytes('second') },
      { key: 'empty', value: new Uint8Array(0) },
      { key: 'ключ', value: bytes('юникод 🌊') },
    ],
  },
  { key: new Uint8Array([0, 255, 128]), value: new Uint8Array(300).fill(7), timestamp: T0 + 10 },
]

function toKafkajsHeaders(headers: readonly RecordHeader[] | undefined): KafkajsHeaders {
  const grouped: Record<string, Array<Buffer | null>> = {}
  for (const { key, value } of headers ?? []) {
    const list = grouped[key] ?? []
    list.push(value === null ? null : Buffer.from(value))
    grouped[key] = list
  }
  const result: KafkajsHeaders = {}
  for (const [key, values] of Object.entries(grouped)) {
    result[key] = values.length === 1 ? (values[0] ?? null) : values
  }
  return result
}

function fromKafkajsHeaders(headers: KafkajsHeaders): RecordHeader[] {
  return Object.entries(headers).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => ({ key, value: v })),
  )
}

/** A comparable form of a record: hex bytes, numbers as strings. */
function comparable(record: {
  offset: number | string
  timestamp: number | string
  key: Uint8Array | null
  value: Uint8Array | null
  headers: readonly RecordHeader[]
}) {
  return {
    offset: String(record.offset),
    timestamp: String(record.timestamp),
    key: hex(record.key),
    value: hex(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: hex(h.value) })),
  }
}

interface KafkajsOptions {
  gzip?: boolean
  baseOffset?: number
  partitionLeaderEpoch?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
}

/** Encodes with kafkajs, the way its producer does; the first record's timestamp is the base. */
async function encodeWithKafkajs(input: readonly RecordInput[], options: KafkajsOptions = {}) {
  const timestamps = input.map((r) => r.timestamp ?? T0)
  const base = timestamps[0] ?? T0
  const encoded = await kafkajsBatch.RecordBatch({
    compression: options.gzip ? compression.Types.GZIP : compression.Types.None,
    firstOffset: Long.fromValue(options.baseOffset ?? 0),
    firstTimestamp: base,
    maxTimestamp: Math.max(...timestamps),
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? 0,
    lastOffsetDelta: input.length - 1,
    transactional: options.transactional ?? false,
    producerId: Long.fromValue(options.producerId ?? -1),
    producerEpoch: options.producerEpoch ?? 0,
    firstSequence: options.baseSequence ?? 0,
    records: input.map((record, i) =>
      KafkajsRecord({
        offsetDelta: i,
        timestampDelta: (timestamps[i] ?? T0) - base,
        key: record.key === null ? null : Buffer.from(record.key),
        value: record.value === null ? null : Buffer.from(record.value),
        headers: toKafkajsHeaders(record.headers) as Record<string, Buffer | Buffer[]>,
      }),
    ),
  })
  return new Uint8Array(encoded.buffer)
}

async function decodeWithKafkajs(batch: Uint8Array) {
  return kafkajsDecode(new Decoder(Buffer.from(batch)))
}

function expected(input: readonly RecordInput[], baseOffset = 0) {
  return input.map((record, i) =>
    comparable({
      offset: baseOffset + i,
      timestamp: record.timestamp ?? T0,
      key: record.key,
      value: record.value,
      headers: record.headers ?? [],
    }),
  )
}

describe('RecordBatch interop with kafkajs', () => {
  for (const gzip of [false, true]) {
    const label = gzip ? 'gzip' : 'uncompressed'

    it(`decodes kafkajs's ${label} batches to the same records`, async () => {
      const batch = await encodeWithKafkajs(records, { gzip, baseOffset: 1234 })
      verifyBatchCrc(batch)
      const { header, records: decoded } = decodeRecordBatch(batch)
      expect(header).toMatchObject({
        baseOffset: 1234,
        compression: gzip ? 'gzip' : 'none',
        recordCount: records.length,
        lastOffsetDelta: records.length - 1,
        baseTimestamp: T0,
        maxTimestamp: T0 + 2 ** 33,
      })
      expect(decoded.map(comparable)).toEqual(expected(records, 1234))
    })

    it(`has kafkajs decode our ${label} batches to the same records`, async () => {
      const withNullHeader: RecordInput[] = [
        ...records,
        { key: null, value: null, timestamp: T0, headers: [{ key: 'gone', value: null }] },
      ]
      const ours = encodeRecordBatch(withNullHeader, {
        baseOffset: 99,
        compression: gzip ? 'gzip' : 'none',
        producerId: 4242,
        producerEpoch: 3,
        baseSequence: 17,
        partitionLeaderEpoch: 5,
        isTransactional: true,
      })
      const decoded = await decodeWithKafkajs(ours)
      expect(decoded).toMatchObject({
        firstOffset: '99',
        producerId: '4242',
        producerEpoch: 3,
        firstSequence: 17,
        partitionLeaderEpoch: 5,
        inTransaction: true,
        isControlBatch: false,
        lastOffsetDelta: withNullHeader.length - 1,
        maxTimestamp: String(T0 + 2 ** 33),
      })
      const theirs = decoded.records.map((record) =>
        comparable({ ...record, headers: fromKafkajsHeaders(record.headers) }),
      )
      expect(theirs).toEqual(expected(withNullHeader, 99))
    })
  }

  it('encodes byte for byte what kafkajs encodes for the same uncompressed input', async () => {
    const fields = {
      baseOffset: 0,
      partitionLeaderEpoch: 0,
      producerId: 77,
      producerEpoch: 2,
      baseSequence: 1000,
    }
    // Timestamps ascend, so kafkajs's base (its smallest) is also our base (the first record's).
    const ascending = [...records].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
    for (const input of [ascending, ascending.slice(0, 1), ascending.slice(3)]) {
      for (const transactional of [false, true]) {
        const theirs = await encodeWithKafkajs(input, { ...fields, transactional })
        const ours = encodeRecordBatch(input, { ...fields, isTransactional: transactional })
        expect(hex(ours)).toBe(hex(theirs))
      }
    }
  })

  it('agrees with kafkajs on offsets beyond 32 bits', async () => {
    const ours = encodeRecordBatch(records, { baseOffset: 2 ** 40 })
    const theirs = await decodeWithKafkajs(ours)
    const decoded: StoredRecord[] = decodeRecordBatch(ours).records
    expect(decoded.map(comparable)).toEqual(
      theirs.records.map((r) => comparable({ ...r, headers: fromKafkajsHeaders(r.headers) })),
    )
  })
})
