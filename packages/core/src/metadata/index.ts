export { decodeMetadataRecord, encodeMetadataRecord } from './codec.ts'
export type {
  BrokerRegistration,
  MetadataSnapshot,
  PartitionState,
  TopicState,
} from './image.ts'
export { MetadataImage } from './image.ts'
export type {
  ControllerElection,
  ControllerLeadership,
  MetadataAppendOptions,
  MetadataLog,
  MetadataSnapshotStore,
  MetadataSubscription,
} from './log.ts'
export { DEFAULT_CANDIDATE_POLL_INTERVAL_MS, DEFAULT_CONTROLLER_LEASE_MS } from './log.ts'
export type {
  BrokerEndpoint,
  MetadataLogEntry,
  MetadataRecord,
  MetadataRecordType,
} from './records.ts'
export { brokerEndpointSchema, metadataRecordSchema } from './records.ts'
