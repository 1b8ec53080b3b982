import type { Reader, Writer } from '../binary/index.ts'
import { sizeOfVarint, sizeOfVarlong, utf8Length } from '../binary/index.ts'
import { CorruptRecordError } from '../errors/index.ts'
import type { RecordHeader, RecordInput, StoredRecord } from '../record/index.ts'
import type { RecordBatchHeader } from './header.ts'

/*
 * One record inside a batch's records section (all varints are zigzag; lengths of -1 mean null):
 *
 *   length            varint   bytes after this field
 *   attributes        int8     unused, 0
 *   timestampDelta    varlong  timestamp - batch baseTimestamp
 *   offsetDelta       varint   offset - batch baseOffset
 *   keyLength         varint   -1 = null key
 *   key               bytes
 *   valueLength       varint   -1 = null value
 *   value             bytes
 *   headerCount       varint
 *   headers           headerCount times:
 *     headerKeyLength   varint
 *     headerKey         utf8
 *     headerValueLength varint  -1 = null value
 *     headerValue       bytes
 */

/** The body size of a record (everything after its length field). */
export function recordBodySize(
  record: RecordInput,
  timestampDelta: number,
  offsetDelta: number,
): number {
  let size =
    1 +
    sizeOfVarlong(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    sizeOfNullableBytes(record.key) +
    sizeOfNullableBytes(record.value)
  const headers = record.headers ?? NO_HEADERS
  size += sizeOfVarint(headers.length)
  for (const header of headers) {
    const keyLength = utf8Length(header.key)
    size += sizeOfVarint(keyLength) + keyLength + sizeOfNullableBytes(header.value)
  }
  return size
}

/** Writes one record, its body size already computed by {@link recordBodySize}. */
export function writeRecord(
  writer: Writer,
  record: RecordInput,
  timestampDelta: number,
  offsetDelta: number,
  bodySize: number,
): void {
  writer
    .writeVarint(bodySize)
    .writeInt8(0)
    .writeVarlong(timestampDelta)
    .writeVarint(offsetDelta)
    .writeVarintBytes(record.key ?? null)
    .writeVarintBytes(record.value ?? null)
  const headers = record.headers ?? NO_HEADERS
  writer.writeVarint(headers.length)
  for (const header of headers) {
    writer.writeVarintString(header.key).writeVarintBytes(header.value ?? null)
  }
}

/**
 * One record of a batch as positions in `source`, not copies: what {@link walkRecords} hands its
 * visitor. The object is reused from record to record: read it during the visit, keep nothing.
 */
export interface RecordView {
  offset: number
  timestamp: number
  /** The bytes the positions index into (the batch, or its decompressed records section). */
  source: Uint8Array
  keyStart: number
  /** -1 for a null key. */
  keyLength: number
  valueStart: number
  /** -1 for a null value. */
  valueLength: number
  headers: readonly RecordHeader[]
}

/**
 * Walks a records section to its end with the checks of {@link readRecords}, handing each
 * record to `visit` as a {@link RecordView}; `visit` returning false stops the walk (the rest is
 * then not checked). No per-record allocation beyond headers, for readers that render records
 * straight from the batch bytes.
 */
export function walkRecords(
  reader: Reader,
  header: RecordBatchHeader,
  visit: (record: RecordView) => boolean | undefined,
): void {
  const { baseOffset, baseTimestamp, maxTimestamp, recordCount } = header
  const logAppendTime = header.timestampType === 'LogAppendTime'
  if (recordCount < 0) throw corrupt(header, `negative record count ${recordCount}`)
  const view: RecordView = {
    offset: 0,
    timestamp: 0,
    source: reader.bytes,
    keyStart: 0,
    keyLength: -1,
    valueStart: 0,
    valueLength: -1,
    headers: NO_HEADERS,
  }
  for (let index = 0; index < recordCount; index++) {
    const length = reader.readVarint()
    const start = reader.pos
    const end = start + length
    if (length < 0 || end > reader.end) {
      throw corrupt(header, `record ${index} claims ${length} bytes, ${reader.remaining} left`)
    }
    reader.skip(1) // attributes: unused in RecordBatch v2
    const timestampDelta = reader.readVarlong()
    const offsetDelta = reader.readVarint()
    view.keyLength = readLength(reader, header, index, 'key')
    view.keyStart = reader.pos
    if (view.keyLength > 0) reader.skip(view.keyLength)
    view.valueLength = readLength(reader, header, index, 'value')
    view.valueStart = reader.pos
    if (view.valueLength > 0) reader.skip(view.valueLength)
    view.headers = readHeaders(reader, header, index)
    if (reader.pos !== end) {
      const used = reader.pos - start
      throw corrupt(header, `record ${index} claims ${length} bytes but its fields take ${used}`)
    }
    view.offset = baseOffset + offsetDelta
    view.timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta
    if (!Number.isSafeInteger(view.offset) || !Number.isSafeInteger(view.timestamp)) {
      throw corrupt(header, `record ${index} has an offset or timestamp beyond 2^53`)
    }
    if (visit(view) === false) return
  }
  if (reader.remaining !== 0) {
    throw corrupt(header, `${reader.remaining} byte(s) follow the last of ${recordCount} records`)
  }
}

/**
 * Reads a records section to its end: exactly `header.recordCount` records, each consuming exactly
 * its length, with nothing left over. Keys and values are views of the reader's bytes.
 */
export function readRecords(reader: Reader, header: RecordBatchHeader): StoredRecord[] {
  const records: StoredRecord[] = []
  const { bytes } = reader
  walkRecords(reader, header, (view) => {
    records.push({
      offset: view.offset,
      timestamp: view.timestamp,
      key:
        view.keyLength < 0 ? null : bytes.subarray(view.keyStart, view.keyStart + view.keyLength),
      value:
        view.valueLength < 0
          ? null
          : bytes.subarray(view.valueStart, view.valueStart + view.valueLength),
      headers: view.headers,
    })
    return true
  })
  return records
}

/** A key or value length: -1 for null, else bounded by what is left. */
function readLength(
  reader: Reader,
  header: RecordBatchHeader,
  index: number,
  field: string,
): number {
  const length = reader.readVarint()
  if (length < -1) throw corrupt(header, `record ${index} has a ${field} length of ${length}`)
  if (length > reader.remaining) {
    throw corrupt(
      header,
      `record ${index}'s ${field} claims ${length} bytes, ${reader.remaining} left`,
    )
  }
  return length
}

function readHeaders(
  reader: Reader,
  batch: RecordBatchHeader,
  index: number,
): readonly RecordHeader[] {
  const count = reader.readVarint()
  if (count === 0) return NO_HEADERS
  if (count < 0) throw corrupt(batch, `record ${index} has a negative header count ${count}`)
  const headers: RecordHeader[] = []
  for (let i = 0; i < count; i++) {
    const key = reader.readVarintString()
    const value = reader.readVarintBytes()
    headers.push({ key, value })
  }
  return headers
}

/** Shared by every record without headers, so decoding one allocates no empty array. */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

function sizeOfNullableBytes(bytes: Uint8Array | null | undefined): number {
  return bytes == null ? 1 : sizeOfVarint(bytes.length) + bytes.length
}

function corrupt(header: RecordBatchHeader, problem: string): CorruptRecordError {
  return new CorruptRecordError(`record batch (base offset ${header.baseOffset}): ${problem}`)
}
