/**
 * Where each field of a RecordBatch v2 header sits, counted from the batch's first byte. The
 * layout is drawn above `encodeRecordBatch` in record-batch.ts.
 */
export const BASE_OFFSET = 0
export const BATCH_LENGTH = 8
export const PARTITION_LEADER_EPOCH = 12
export const MAGIC = 16
export const CRC = 17
export const ATTRIBUTES = 21
export const LAST_OFFSET_DELTA = 23
export const BASE_TIMESTAMP = 27
export const MAX_TIMESTAMP = 35
export const PRODUCER_ID = 43
export const PRODUCER_EPOCH = 51
export const BASE_SEQUENCE = 53
export const RECORD_COUNT = 57
export const RECORDS = 61

/** Bytes before the batch length's count begins: baseOffset (8) + batchLength (4). */
export const LOG_OVERHEAD = 12
/** The smallest batchLength a well-formed header can have: the header after LOG_OVERHEAD. */
export const MIN_BATCH_LENGTH = RECORDS - LOG_OVERHEAD
/** The batch format this codec reads and writes. */
export const CURRENT_MAGIC = 2

/** Attribute bits. Bits 0-2 hold the compression codec id. */
export const COMPRESSION_MASK = 0x07
export const LOG_APPEND_TIME_FLAG = 0x08
export const TRANSACTIONAL_FLAG = 0x10
export const CONTROL_FLAG = 0x20
