export type { TcpDataPlaneOptions } from './tcp-connector.ts'
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  TcpDataPlaneClient,
  TcpDataPlaneConnector,
} from './tcp-connector.ts'
