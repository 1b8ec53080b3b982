export type {
  DecodedRecordBatch,
  EncodeRecordBatchOptions,
  RecordBatchHeader,
  TimestampType,
} from './batch/index.ts'
export {
  batchSizeOf,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  lastOffsetOf,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  setLogAppendTime,
  splitBatches,
  stampBatch,
  verifyBatchCrc,
} from './batch/index.ts'
export type {
  AdminResult,
  AlterTopicConfigsRequest,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResult,
  ControllerClient,
  CreatePartitionsRequest,
  CreateTopicRequest,
  DataPlaneClient,
  DataPlaneConnector,
  MetadataReader,
  RegisterBrokerRequest,
  RegisterBrokerResult,
} from './cluster/index.ts'
export {
  alterTopicConfigsRequestSchema,
  brokerHeartbeatRequestSchema,
  CLIENT_ENDPOINT,
  createPartitionsRequestSchema,
  createTopicRequestSchema,
  MetadataFollower,
  registerBrokerRequestSchema,
} from './cluster/index.ts'
export type { CompressionType } from './compression/index.ts'
export { isCompressionSupported } from './compression/index.ts'
export { crc32c } from './crc32c/index.ts'
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
  BrokerEndpoint,
  BrokerRegistration,
  ControllerElection,
  ControllerLeadership,
  MetadataAppendOptions,
  MetadataLog,
  MetadataLogEntry,
  MetadataRecord,
  MetadataRecordType,
  MetadataSnapshot,
  MetadataSubscription,
  PartitionState,
  TopicState,
} from './metadata/index.ts'
export {
  brokerEndpointSchema,
  decodeMetadataRecord,
  encodeMetadataRecord,
  MetadataImage,
  metadataRecordSchema,
} from './metadata/index.ts'
export type { Partitioner, PartitionerOptions } from './partitioner/index.ts'
export { createPartitioner, murmur2, partitionForKey, toPositive } from './partitioner/index.ts'
export type { PlacementBroker, PlacementRequest } from './placement/index.ts'
export { placeReplicas } from './placement/index.ts'
export type {
  ApiVersionRange,
  DecodedRequest,
  FetchRequest,
  FetchResponse,
  Frame,
  FrameDecoderOptions,
  FrameHeader,
  ListOffsetsRequest,
  ListOffsetsResponse,
  ProduceRequest,
  ProduceResponse,
  WireError,
} from './protocol/index.ts'
export {
  Acks,
  ApiKey,
  apiKeyName,
  apiVersions,
  CONSUMER_REPLICA_ID,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFetchRequest,
  decodeFetchResponse,
  decodeListOffsetsRequest,
  decodeListOffsetsResponse,
  decodeProduceRequest,
  decodeProduceResponse,
  decodeRequest,
  encodeErrorResponse,
  encodeFetchRequest,
  encodeFetchResponse,
  encodeFrame,
  encodeListOffsetsRequest,
  encodeListOffsetsResponse,
  encodeProduceRequest,
  encodeProduceResponse,
  errorFromWire,
  errorToWire,
  FrameDecoder,
  IsolationLevel,
  isApiKey,
  NO_ERROR,
  OffsetSpec,
} from './protocol/index.ts'
export type { RecordHeader, RecordInput, StoredRecord } from './record/index.ts'
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
