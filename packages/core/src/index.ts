export type { ErrorCodeInfo, ErrorData, TributaryErrorOptions } from './errors/index.ts'
export {
  CorruptRecordError,
  ErrorCode,
  errorCodeInfo,
  errorFromData,
  InvalidConfigError,
  InvalidTopicError,
  isErrorCode,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  StorageError,
  TributaryError,
  toErrorData,
  UnexpectedAppendOffsetError,
  UnsupportedCompressionError,
} from './errors/index.ts'
