export { base64Of, base64Size, utf8OfBase64 } from './base64.ts'
export type { FetchFn, RestClient, RestClientOptions } from './client.ts'
export { createRestClient, serverErrorOf, V2_BINARY, V2_JSON, V3_JSON } from './client.ts'
export type {
  BinaryProduceRecord,
  ConsumedRecord,
  CreateTopicInput,
  PartitionData,
  PartitionOffsets,
  ProduceOffset,
  ReadPartitionInput,
  RecordHeader,
  ReplicaData,
  TopicConfig,
  TopicConfigData,
  TopicData,
  V2PartitionData,
} from './types.ts'
