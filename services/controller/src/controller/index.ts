export {
  DEFAULT_REPLICATION_FACTOR_CONFIG,
  MIN_INSYNC_REPLICAS_CONFIG,
  USE_DEFAULT_REPLICATION_FACTOR,
} from './cluster-configs.ts'
export { Controller } from './controller.ts'
export type { ControllerOptions, MetadataPage } from './options.ts'
export { DEFAULT_SESSION_CHECK_INTERVAL_MS, DEFAULT_SNAPSHOT_INTERVAL_RECORDS } from './options.ts'
export { DEFAULT_SESSION_TIMEOUT_MS } from './sessions.ts'
export { MAX_PARTITIONS_PER_REQUEST } from './topics.ts'
