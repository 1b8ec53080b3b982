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
export type { LogEntry, LogFn, Logger } from './logger/index.ts'
export { createMemoryLogger, silentLogger } from './logger/index.ts'
export type {
  CleanupPolicy,
  MessageTimestampType,
  TopicConfig,
  TopicConfigEntry,
  TopicConfigName,
} from './topic/index.ts'
export {
  defaultTopicConfig,
  describeTopicConfig,
  formatTopicConfigs,
  isTopicConfigName,
  isValidTopicName,
  MAX_TOPIC_NAME_LENGTH,
  parseTopicConfigs,
  resolveTopicConfig,
  topicCollisionKey,
  topicConfigDefinitions,
  validateTopicName,
} from './topic/index.ts'
