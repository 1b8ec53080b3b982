export type {
  AdminResult,
  AlterPartitionRequest,
  AlterPartitionResult,
  AlterTopicConfigsRequest,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResult,
  ControllerClient,
  CreatePartitionsRequest,
  CreateTopicRequest,
  RegisterBrokerRequest,
  RegisterBrokerResult,
} from './controller-api.ts'
export {
  alterPartitionRequestSchema,
  alterTopicConfigsRequestSchema,
  brokerHeartbeatRequestSchema,
  createPartitionsRequestSchema,
  createTopicRequestSchema,
  parseControllerRequest,
  registerBrokerRequestSchema,
} from './controller-api.ts'
export type { DataPlaneClient, DataPlaneConnector } from './data-plane.ts'
export { CLIENT_ENDPOINT, INTERNAL_ENDPOINT } from './data-plane.ts'
export type { MetadataReader } from './follower.ts'
export { MetadataFollower } from './follower.ts'
export type { ControllerOperation, NatsNames } from './nats-names.ts'
export { checkClusterId, natsNames } from './nats-names.ts'
