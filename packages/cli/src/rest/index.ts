export { base64Of, base64Size, utf8OfBase64 } from './base64.ts'
export type { RestClient, RestClientOptions } from './client.ts'
export { createRestClient } from './client.ts'
export type { ConsumerCalls } from './consumers.ts'
export { createConsumerBody } from './consumers.ts'
export type {
  ConsumedOffset,
  ConsumeInput,
  ConsumerAssignmentData,
  ConsumerData,
  ConsumerGroupData,
  ConsumerLagData,
  ConsumerRef,
  CreateConsumerInput,
  CreatedConsumer,
  GroupOffsetData,
  ResetOffsetsInput,
  ResetTarget,
} from './group-types.ts'
export type { FetchFn } from './transport.ts'
export { serverErrorOf, V2_BINARY, V2_JSON, V3_JSON } from './transport.ts'
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
