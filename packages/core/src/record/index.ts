/** The record model: headers, records to write, and records as stored with their offsets. */
export type { RecordHeader, RecordInput, StoredRecord } from './record.ts'
