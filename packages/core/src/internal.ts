/**
 * @tributary/core/internal: what sibling packages and tests need beyond the public entry: the
 * byte writer and reader every wire format in the repository is written with, and the fields of
 * the `__consumer_offsets` record layouts (the broker's consumer-instance records use them).
 */
export { Reader, Writer } from './binary/index.ts'
export {
  decodingRecord,
  readRecordString,
  recordStringSize,
  writeRecordString,
} from './group/record-fields.ts'
