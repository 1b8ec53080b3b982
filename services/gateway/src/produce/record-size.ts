import { encodeRecordBatch, RECORD_BATCH_OVERHEAD, type RecordInput } from '@tributary/core'

/*
 * Sizes for packing records into batches without encoding them twice. Inside a RecordBatch v2 a
 * record is: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key
 * length varint + key, value length varint + value, header count varint, then per header its key
 * length varint + UTF-8 key and value length varint + value. Varints take at most 5 bytes and
 * varlongs 10, hence the bound below: never smaller than the real size.
 */
const RECORD_FIXED_BOUND = 5 + 1 + 10 + 5 + 5 + 5 + 5
const HEADER_FIXED_BOUND = 5 + 5

/** An upper bound on the bytes `record` takes inside a batch. */
export function recordSizeBound(record: RecordInput): number {
  let size = RECORD_FIXED_BOUND + (record.key?.length ?? 0) + (record.value?.length ?? 0)
  for (const header of record.headers ?? []) {
    size += HEADER_FIXED_BOUND + Buffer.byteLength(header.key) + (header.value?.length ?? 0)
  }
  return size
}

/**
 * The exact size of a batch holding `record` alone: what the broker compares with
 * max.message.bytes. Only computed for records whose bound is over a limit.
 */
export function singleRecordBatchSize(record: RecordInput): number {
  return encodeRecordBatch([record]).length
}

export { RECORD_BATCH_OVERHEAD }
