/**
 * @tributary/broker: hosts partition replicas on PartitionLogs and serves the data plane. The
 * pieces are exported for combined mode, which wires them in one process.
 */
export type { Broker, BrokerAddresses, BrokerDeps, BrokerSettings } from './app/index.ts'
export { createBroker } from './app/index.ts'
export type { BrokerConfig, FlushModeName, LogLevel, ParsedBrokerArgs } from './config/index.ts'
export { BROKER_USAGE, parseBrokerConfig } from './config/index.ts'
export type { ControllerSessionOptions } from './controller-session/index.ts'
export { ControllerSession, DEFAULT_HEARTBEAT_INTERVAL_MS } from './controller-session/index.ts'
export type { GroupCoordinatorOptions, GroupSettings } from './coordinator/index.ts'
export {
  DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS,
  DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS,
  DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS,
  GroupCoordinator,
} from './coordinator/index.ts'
export type { DataPlaneHandlerOptions } from './handler/index.ts'
export { DataPlaneHandler, inProcessClient } from './handler/index.ts'
export type { BrokerHealth } from './http/index.ts'
export type { BrokerMetrics } from './metrics/index.ts'
export type { BrokerLogConfig, LedPartition, ReplicaManagerOptions } from './replica/index.ts'
export { Replica, ReplicaManager } from './replica/index.ts'
export type { DataPlaneServerOptions } from './server/index.ts'
export { DataPlaneServer } from './server/index.ts'
