export {
  CONTROLLER_EPOCH_HEADER,
  FIRST_OFFSET_HEADER,
  LAST_OFFSET_HEADER,
} from './message-codec.ts'
export type { NatsMetadataLogOptions } from './nats-log.ts'
export { DEFAULT_METADATA_REPLICAS, NatsMetadataLog } from './nats-log.ts'
