export type { ControllerOptions, MetadataPage } from './controller.ts'
export { Controller, DEFAULT_SESSION_CHECK_INTERVAL_MS } from './controller.ts'
export { DEFAULT_SESSION_TIMEOUT_MS } from './sessions.ts'
export { MAX_PARTITIONS_PER_REQUEST, MAX_SUPPORTED_REPLICATION_FACTOR } from './topics.ts'
