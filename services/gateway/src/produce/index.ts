/**
 * The produce path: records to partitions, concurrent requests for a partition coalesced into
 * one RecordBatch, sent to the leader with retries on stale metadata.
 */
export type { AcksName } from './acks.ts'
export { ACKS_NAMES, acksNamed } from './acks.ts'
export type { SendResult } from './batch-sender.ts'
export { BatchSender } from './batch-sender.ts'
export type { CoalescerOptions, RecordOutcome, SendBatch } from './coalescer.ts'
export { Coalescer } from './coalescer.ts'
export type { Delivery } from './producer.ts'
export { Producer } from './producer.ts'
export { recordSizeBound, singleRecordBatchSize } from './record-size.ts'
