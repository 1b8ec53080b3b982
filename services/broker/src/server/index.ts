export type { ConnectionOptions } from './connection.ts'
export { Connection } from './connection.ts'
export type { DataPlaneServerOptions } from './data-plane-server.ts'
export {
  DataPlaneServer,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_MAX_IN_FLIGHT,
} from './data-plane-server.ts'
