import { Reader, setInt64, sizeOfVarint, Writer } from '../binary/index.ts'
import type { CompressionType } from '../compression/index.ts'
import { codecFor, compressionIdOf } from '../compression/index.ts'
import { crc32c } from '../crc32c/index.ts'
import { ErrorCode, RecordTooLargeError, TributaryError } from '../errors/index.ts'
import type { RecordInput, StoredRecord } from '../record/index.ts'
import type { RecordBatchHeader, TimestampType } from './header.ts'
import {
  batchSizeOf,
  checkInt32,
  checkInt64,
  readBatchHeader,
  splitBatches,
  verifyBatchCrc,
  viewOf,
} from './header.ts'
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BATCH_LENGTH,
  CONTROL_FLAG,
  CRC,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA,
  LOG_APPEND_TIME_FLAG,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORD_COUNT,
  RECORDS,
  TRANSACTIONAL_FLAG,
} from './layout.ts'
import type { RecordView } from './records.ts'
import { readRecords, recordBodySize, walkRecords, writeRecord } from './records.ts'

export interface EncodeRecordBatchOptions {
  /** Default 0; a leader overwrites it with {@link stampBatch} when it appends. */
  readonly baseOffset?: number
  /** Default -1 (none yet). */
  readonly partitionLeaderEpoch?: number
  /** Default 'none'. */
  readonly compression?: CompressionType
  /** Default 'CreateTime'. With 'LogAppendTime', maxTimestamp is `now()`, the append time. */
  readonly timestampType?: TimestampType
  /** Default -1 (not idempotent). */
  readonly producerId?: number
  /** Default -1. */
  readonly producerEpoch?: number
  /** Default -1. */
  readonly baseSequence?: number
  readonly isTransactional?: boolean
  readonly isControl?: boolean
  /** The clock for records without a timestamp, read at most once per batch. Default Date.now. */
  readonly now?: () => number
}

export interface DecodedRecordBatch {
  readonly header: RecordBatchHeader
  readonly records: StoredRecord[]
}

/** The largest batch Kafka's int32 batchLength can describe. */
const MAX_BATCH_SIZE = LOG_OVERHEAD + 0x7fff_ffff

/*
 * RecordBatch v2 (magic 2), byte for byte as Kafka writes it; all integers big-endian:
 *
 *   offset  size
 *        0     8  baseOffset            int64   offset of the first record
 *        8     4  batchLength           int32   bytes after this field
 *       12     4  partitionLeaderEpoch  int32
 *       16     1  magic                 int8    = 2
 *       17     4  crc                   uint32  CRC-32C of bytes 21 .. end
 *       21     2  attributes            int16   bits 0-2 compression (0 none, 1 gzip, 2 snappy,
 *                                               3 lz4, 4 zstd), bit 3 timestamp type
 *                                               (1 = log append), bit 4 transactional, bit 5 control
 *       23     4  lastOffsetDelta       int32   offset of the last record - baseOffset
 *       27     8  baseTimestamp         int64   timestamp of the first record
 *       35     8  maxTimestamp          int64   largest record timestamp (or the log-append time)
 *       43     8  producerId            int64
 *       51     2  producerEpoch         int16
 *       53     4  baseSequence          int32
 *       57     4  recordCount           int32
 *       61     …  records                       compressed as a whole unless compression is none;
 *                                               each record as drawn in records.ts
 */

/**
 * Encodes records as one RecordBatch v2. Offset deltas count from 0; the first record's timestamp
 * is the base timestamp. An empty list is refused (Kafka has no empty batches from producers).
 */
export function encodeRecordBatch(
  records: readonly RecordInput[],
  options: EncodeRecordBatchOptions = {},
): Uint8Array {
  const count = records.length
  if (count === 0) {
    throw new TributaryError(ErrorCode.InvalidRecord, 'a record batch needs at least one record')
  }
  const settings = resolveOptions(options)
  const codec = codecFor(settings.compression)

  // Pass 1: timestamps and record sizes, so the records section is written in one allocation.
  const timestamps = new Array<number>(count)
  let clock: number | undefined
  let maxTimestamp = -1
  for (let i = 0; i < count; i++) {
    let timestamp = (records[i] as RecordInput).timestamp
    if (timestamp === undefined) {
      clock ??= settings.now()
      timestamp = clock
    }
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      checkInt64(`timestamp of record ${i}`, timestamp, 0) // throws, naming the record
    }
    timestamps[i] = timestamp
    if (timestamp > maxTimestamp) maxTimestamp = timestamp
  }
  const baseTimestamp = timestamps[0] as number
  const bodySizes = new Array<number>(count)
  let recordsSize = 0
  for (let i = 0; i < count; i++) {
    const bodySize = recordBodySize(
      records[i] as RecordInput,
      (timestamps[i] as number) - baseTimestamp,
      i,
    )
    bodySizes[i] = bodySize
    recordsSize += sizeOfVarint(bodySize) + bodySize
  }
  if (RECORDS + recordsSize > MAX_BATCH_SIZE) {
    throw new RecordTooLargeError(
      `${count} records take ${recordsSize} bytes, too many for a batch`,
    )
  }

  // Pass 2: the records, straight after the header when uncompressed.
  const uncompressed = settings.compression === 'none'
  const writer = new Writer(uncompressed ? RECORDS + recordsSize : recordsSize)
  if (uncompressed) writer.skip(RECORDS)
  for (let i = 0; i < count; i++) {
    const timestampDelta = (timestamps[i] as number) - baseTimestamp
    writeRecord(writer, records[i] as RecordInput, timestampDelta, i, bodySizes[i] as number)
  }
  let batch = writer.finish()
  if (!uncompressed) {
    const compressed = codec.compress(batch)
    if (RECORDS + compressed.length > MAX_BATCH_SIZE) {
      throw new RecordTooLargeError(`compressed records take ${compressed.length} bytes`)
    }
    batch = new Uint8Array(RECORDS + compressed.length)
    batch.set(compressed, RECORDS)
  }

  // The header, then the CRC over everything from the attributes on.
  let attributes = compressionIdOf(settings.compression)
  if (settings.timestampType === 'LogAppendTime') attributes |= LOG_APPEND_TIME_FLAG
  if (settings.isTransactional) attributes |= TRANSACTIONAL_FLAG
  if (settings.isControl) attributes |= CONTROL_FLAG
  if (settings.timestampType === 'LogAppendTime') {
    maxTimestamp = clock ?? settings.now()
    checkInt64('log-append time', maxTimestamp, 0)
  }
  const view = viewOf(batch)
  setInt64(view, BASE_OFFSET, settings.baseOffset)
  view.setInt32(BATCH_LENGTH, batch.length - LOG_OVERHEAD)
  view.setInt32(PARTITION_LEADER_EPOCH, settings.partitionLeaderEpoch)
  view.setInt8(MAGIC, CURRENT_MAGIC)
  view.setInt16(ATTRIBUTES, attributes)
  view.setInt32(LAST_OFFSET_DELTA, count - 1)
  setInt64(view, BASE_TIMESTAMP, baseTimestamp)
  setInt64(view, MAX_TIMESTAMP, maxTimestamp)
  setInt64(view, PRODUCER_ID, settings.producerId)
  view.setInt16(PRODUCER_EPOCH, settings.producerEpoch)
  view.setInt32(BASE_SEQUENCE, settings.baseSequence)
  view.setInt32(RECORD_COUNT, count)
  view.setUint32(CRC, crc32c(batch.subarray(ATTRIBUTES)))
  return batch
}

/**
 * Decodes the batch at `at` after verifying its CRC. When the batch is uncompressed, record keys,
 * values and header values are views that alias `bytes` (no copies): copy them before `bytes`
 * is reused. When it is compressed they alias the decompressed buffer instead.
 */
export function decodeRecordBatch(bytes: Uint8Array, at = 0): DecodedRecordBatch {
  const header = readBatchHeader(bytes, at)
  verifyBatchCrc(bytes, at)
  const start = at + RECORDS
  const end = at + batchSizeOf(header)
  const reader =
    header.compression === 'none'
      ? new Reader(bytes, start, end)
      : new Reader(codecFor(header.compression).decompress(bytes.subarray(start, end)))
  return { header, records: readRecords(reader, header) }
}

/**
 * Walks the records of the batch at `at` after verifying its CRC, as {@link walkRecords} does:
 * each record as positions in the batch (or its decompressed records), with no copy. Returns
 * the batch's header.
 */
export function walkRecordBatch(
  bytes: Uint8Array,
  visit: (record: RecordView) => boolean | undefined,
  at = 0,
): RecordBatchHeader {
  const header = readBatchHeader(bytes, at)
  verifyBatchCrc(bytes, at)
  const start = at + RECORDS
  const end = at + batchSizeOf(header)
  const reader =
    header.compression === 'none'
      ? new Reader(bytes, start, end)
      : new Reader(codecFor(header.compression).decompress(bytes.subarray(start, end)))
  walkRecords(reader, header, visit)
  return header
}

/** Decodes every batch of a concatenation, in order (see {@link decodeRecordBatch} on aliasing). */
export function decodeRecordBatches(bytes: Uint8Array): DecodedRecordBatch[] {
  return splitBatches(bytes).map((batch) => decodeRecordBatch(batch))
}

type Settings = Required<EncodeRecordBatchOptions>

function resolveOptions(options: EncodeRecordBatchOptions): Settings {
  const settings: Settings = {
    baseOffset: options.baseOffset ?? 0,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    compression: options.compression ?? 'none',
    timestampType: options.timestampType ?? 'CreateTime',
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    isTransactional: options.isTransactional ?? false,
    isControl: options.isControl ?? false,
    now: options.now ?? Date.now,
  }
  checkInt64('baseOffset', settings.baseOffset, 0)
  checkInt32('partitionLeaderEpoch', settings.partitionLeaderEpoch)
  checkInt64('producerId', settings.producerId, -1)
  checkInt32('producerEpoch', settings.producerEpoch, -0x8000, 0x7fff)
  checkInt32('baseSequence', settings.baseSequence)
  if (settings.timestampType !== 'CreateTime' && settings.timestampType !== 'LogAppendTime') {
    throw new TributaryError(
      ErrorCode.InvalidRecord,
      `unknown timestamp type '${String(settings.timestampType)}'`,
    )
  }
  return settings
}
