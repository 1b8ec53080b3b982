export type { HttpControllerClientOptions } from './http-controller-client.ts'
export { HttpControllerClient } from './http-controller-client.ts'
export type { HttpMetadataReaderOptions } from './http-metadata-reader.ts'
export {
  DEFAULT_METADATA_PAGE_ENTRIES,
  DEFAULT_METADATA_POLL_WAIT_MS,
  DEFAULT_METADATA_RETRY_INITIAL_MS,
  DEFAULT_METADATA_RETRY_MAX_MS,
  HttpMetadataReader,
} from './http-metadata-reader.ts'
export type { ControllerTransportOptions } from './transport.ts'
export { DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS } from './transport.ts'
