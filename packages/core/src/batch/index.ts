/**
 * Kafka's RecordBatch v2: encoding and decoding whole batches, and reading and patching a batch's
 * header in place (offsets, leader epoch, log-append time, CRC) without touching its records.
 */
export type { RecordBatchHeader, TimestampType } from './header.ts'
export {
  batchSizeOf,
  lastOffsetOf,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  setLogAppendTime,
  splitBatches,
  stampBatch,
  verifyBatchCrc,
} from './header.ts'
export type { DecodedRecordBatch, EncodeRecordBatchOptions } from './record-batch.ts'
export {
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  walkRecordBatch,
} from './record-batch.ts'
export type { RecordView } from './records.ts'
