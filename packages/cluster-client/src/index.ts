/**
 * @tributary/cluster-client: Node clients of the Tributary services, for processes that reach
 * them over the network (combined mode wires the same interfaces in process).
 */
export type { ControlPlane, ControlPlaneOptions } from './control-plane/index.ts'
export { openControlPlane } from './control-plane/index.ts'
export type {
  ControllerTransportOptions,
  HttpControllerClientOptions,
  HttpMetadataReaderOptions,
} from './controller/index.ts'
export {
  DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS,
  DEFAULT_METADATA_PAGE_ENTRIES,
  DEFAULT_METADATA_POLL_WAIT_MS,
  DEFAULT_METADATA_RETRY_INITIAL_MS,
  DEFAULT_METADATA_RETRY_MAX_MS,
  HttpControllerClient,
  HttpMetadataReader,
} from './controller/index.ts'
export type { TcpDataPlaneOptions } from './data-plane/index.ts'
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  TcpDataPlaneClient,
  TcpDataPlaneConnector,
} from './data-plane/index.ts'
