/**
 * Records as the REST APIs carry them: parsing v2 (binary, JSON) and v3 (BINARY, JSON, STRING)
 * produce bodies into bytes, strict base64, and rendering stored records for a partition read.
 */
export { decodeBase64, encodeBase64 } from './base64.ts'
export { describeIssues } from './issues.ts'
export type { ProduceRecord } from './record.ts'
export { jsonBytes } from './record.ts'
export type { PartitionFraming, RecordsFraming } from './records-writer.ts'
export { partitionFraming, RecordsWriter } from './records-writer.ts'
export type { ConsumedRecord } from './render.ts'
export { consumedRecordSchema, renderRecord } from './render.ts'
export {
  emptyBody,
  parseV2Records,
  v2BinaryProduceRequestSchema,
  v2BinaryRecordSchema,
  v2JsonProduceRequestSchema,
  v2JsonRecordSchema,
} from './v2.ts'
export type { DataInfo, V3Record } from './v3.ts'
export { parseV3Record, v3ProduceDataSchema, v3ProduceRequestSchema } from './v3.ts'
