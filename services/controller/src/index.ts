/**
 * @tributary/controller: the active controller (election, metadata log, admin commands, broker
 * registration and fencing) and its HTTP API. `main.ts` runs it as a process; combined mode
 * builds a {@link Controller} and {@link createApp} in process.
 */
export type { ControllerConfig, LogLevel, ParsedArgs } from './config/index.ts'
export {
  CONTROLLER_USAGE,
  DEFAULT_CONTROLLER_HOST,
  DEFAULT_CONTROLLER_PORT,
  DEFAULT_DATA_DIR,
  DEFAULT_LOG_LEVEL,
  DEFAULT_NODE_ID,
  parseControllerConfig,
} from './config/index.ts'
export type { ControllerOptions, MetadataPage } from './controller/index.ts'
export {
  Controller,
  DEFAULT_REPLICATION_FACTOR_CONFIG,
  DEFAULT_SESSION_CHECK_INTERVAL_MS,
  DEFAULT_SESSION_TIMEOUT_MS,
  MAX_PARTITIONS_PER_REQUEST,
  MIN_INSYNC_REPLICAS_CONFIG,
  USE_DEFAULT_REPLICATION_FACTOR,
} from './controller/index.ts'
export type { AppDeps } from './http/index.ts'
export {
  createApp,
  DEFAULT_METADATA_PAGE_ENTRIES,
  MAX_METADATA_PAGE_ENTRIES,
  MAX_METADATA_WAIT_MS,
  MAX_REQUEST_BODY_BYTES,
} from './http/index.ts'
