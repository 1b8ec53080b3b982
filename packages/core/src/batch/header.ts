import { getInt64, setInt64 } from '../binary/index.ts'
import type { CompressionType } from '../compression/index.ts'
import { compressionTypeOf } from '../compression/index.ts'
import { crc32c } from '../crc32c/index.ts'
import { CorruptRecordError, ErrorCode, TributaryError } from '../errors/index.ts'
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BATCH_LENGTH,
  COMPRESSION_MASK,
  CONTROL_FLAG,
  CRC,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA,
  LOG_APPEND_TIME_FLAG,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  MIN_BATCH_LENGTH,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORD_COUNT,
  RECORDS,
  TRANSACTIONAL_FLAG,
} from './layout.ts'

/**
 * Reading and patching a batch's header in place, without decoding its records: what a broker
 * needs to validate, assign offsets to and store batches it never unpacks.
 */

/** Header bytes of a RecordBatch v2, from baseOffset through recordCount. */
export const RECORD_BATCH_OVERHEAD = RECORDS

/** Whether a batch's timestamps are the producer's (create) or the broker's (log append). */
export type TimestampType = 'CreateTime' | 'LogAppendTime'

export interface RecordBatchHeader {
  readonly baseOffset: number
  /** Bytes after the batchLength field: partitionLeaderEpoch through the end of the records. */
  readonly batchLength: number
  readonly partitionLeaderEpoch: number
  readonly magic: number
  /** CRC-32C of attributes through the end of the batch, as an unsigned number. */
  readonly crc: number
  readonly attributes: number
  readonly compression: CompressionType
  readonly timestampType: TimestampType
  readonly isTransactional: boolean
  readonly isControl: boolean
  readonly lastOffsetDelta: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordCount: number
}

/** Reads the header of the batch at `at`, checking that the whole batch lies within `bytes`. */
export function readBatchHeader(bytes: Uint8Array, at = 0): RecordBatchHeader {
  const view = viewOf(bytes)
  const batchLength = checkBatch(bytes, view, at)
  const attributes = view.getInt16(at + ATTRIBUTES)
  return {
    baseOffset: readSafeInt64(view, at, BASE_OFFSET, 'baseOffset'),
    batchLength,
    partitionLeaderEpoch: view.getInt32(at + PARTITION_LEADER_EPOCH),
    magic: CURRENT_MAGIC,
    crc: view.getUint32(at + CRC),
    attributes,
    compression: compressionTypeOf(attributes & COMPRESSION_MASK),
    timestampType: attributes & LOG_APPEND_TIME_FLAG ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
    lastOffsetDelta: view.getInt32(at + LAST_OFFSET_DELTA),
    baseTimestamp: readSafeInt64(view, at, BASE_TIMESTAMP, 'baseTimestamp'),
    maxTimestamp: readSafeInt64(view, at, MAX_TIMESTAMP, 'maxTimestamp'),
    producerId: readSafeInt64(view, at, PRODUCER_ID, 'producerId'),
    producerEpoch: view.getInt16(at + PRODUCER_EPOCH),
    baseSequence: view.getInt32(at + BASE_SEQUENCE),
    recordCount: view.getInt32(at + RECORD_COUNT),
  }
}

/** The whole batch's size in bytes, baseOffset included. */
export function batchSizeOf(header: RecordBatchHeader): number {
  return LOG_OVERHEAD + header.batchLength
}

/** The offset of the batch's last record. */
export function lastOffsetOf(header: RecordBatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta
}

/** Throws CorruptRecordError, naming the stored and computed CRC, when the batch's CRC is wrong. */
export function verifyBatchCrc(bytes: Uint8Array, at = 0): void {
  const view = viewOf(bytes)
  const batchLength = checkBatch(bytes, view, at)
  const stored = view.getUint32(at + CRC)
  const computed = crc32c(bytes.subarray(at + ATTRIBUTES, at + LOG_OVERHEAD + batchLength))
  if (stored !== computed) {
    const baseOffset = getInt64(view, at + BASE_OFFSET)
    throw new CorruptRecordError(
      `record batch at byte ${at} (base offset ${baseOffset}) failed its CRC-32C check: ` +
        `stored ${hex32(stored)}, computed ${hex32(computed)}`,
    )
  }
}

/**
 * Sets the base offset and partition leader epoch of the batch at `at`, in place. Both fields lie
 * before the CRC's range, so the CRC stays valid: this is how a leader assigns offsets.
 */
export function stampBatch(
  bytes: Uint8Array,
  baseOffset: number,
  partitionLeaderEpoch: number,
  at = 0,
): void {
  checkInt64('baseOffset', baseOffset, 0)
  checkInt32('partitionLeaderEpoch', partitionLeaderEpoch)
  const view = viewOf(bytes)
  checkBatch(bytes, view, at)
  setInt64(view, at + BASE_OFFSET, baseOffset)
  view.setInt32(at + PARTITION_LEADER_EPOCH, partitionLeaderEpoch)
}

/**
 * Gives the batch at `at` Kafka's LogAppendTime: sets the timestamp-type bit and maxTimestamp
 * (which every record then reports as its timestamp) and recomputes the CRC. It does not check the
 * old CRC first: verify the batch before calling this, or a corrupt batch comes out looking valid.
 */
export function setLogAppendTime(bytes: Uint8Array, timestamp: number, at = 0): void {
  checkInt64('timestamp', timestamp, 0)
  const view = viewOf(bytes)
  const batchLength = checkBatch(bytes, view, at)
  view.setInt16(at + ATTRIBUTES, view.getInt16(at + ATTRIBUTES) | LOG_APPEND_TIME_FLAG)
  setInt64(view, at + MAX_TIMESTAMP, timestamp)
  const crc = crc32c(bytes.subarray(at + ATTRIBUTES, at + LOG_OVERHEAD + batchLength))
  view.setUint32(at + CRC, crc)
}

/**
 * Each batch of a concatenation (a segment read, a fetch response's records) as a subarray view,
 * in order. A truncated batch at the end is refused as corrupt, not dropped.
 */
export function splitBatches(bytes: Uint8Array): Uint8Array[] {
  const view = viewOf(bytes)
  const batches: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    const end = at + LOG_OVERHEAD + checkBatch(bytes, view, at)
    batches.push(bytes.subarray(at, end))
    at = end
  }
  return batches
}

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Checks that a v2 batch header starts at `at` and the whole batch fits in `bytes`; returns its
 * batchLength.
 */
function checkBatch(bytes: Uint8Array, view: DataView, at: number): number {
  const available = bytes.length - at
  if (available < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(
      `record batch at byte ${at} is truncated: ${available} byte(s) left, ` +
        `a batch header needs ${RECORD_BATCH_OVERHEAD}`,
    )
  }
  const magic = view.getInt8(at + MAGIC)
  if (magic !== CURRENT_MAGIC) {
    throw new CorruptRecordError(
      `record batch at byte ${at} has magic ${magic}; only RecordBatch v2 (magic 2) is supported`,
    )
  }
  const batchLength = view.getInt32(at + BATCH_LENGTH)
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new CorruptRecordError(
      `record batch at byte ${at} has batchLength ${batchLength}, less than its own header`,
    )
  }
  if (batchLength > available - LOG_OVERHEAD) {
    throw new CorruptRecordError(
      `record batch at byte ${at} is truncated: batchLength ${batchLength} needs ` +
        `${LOG_OVERHEAD + batchLength} bytes, ${available} left`,
    )
  }
  return batchLength
}

/** Throws InvalidRecord unless `value` is a safe integer of at least `min`. */
export function checkInt64(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TributaryError(
      ErrorCode.InvalidRecord,
      `${name} must be a safe integer of at least ${min}, got ${value}`,
    )
  }
}

/** Throws InvalidRecord unless `value` is an integer in [min, max] (int32 by default). */
export function checkInt32(
  name: string,
  value: number,
  min = -0x8000_0000,
  max = 0x7fff_ffff,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TributaryError(
      ErrorCode.InvalidRecord,
      `${name} must be an integer in [${min}, ${max}], got ${value}`,
    )
  }
}

/** The int64 field at `at + field`, refused as corrupt when it is not a safe integer. */
function readSafeInt64(view: DataView, at: number, field: number, name: string): number {
  const value = getInt64(view, at + field)
  if (Number.isNaN(value)) {
    throw new CorruptRecordError(`record batch at byte ${at}: ${name} is not a safe integer`)
  }
  return value
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`
}
