/**
 * Controller requests over NATS request/reply: {@link NatsControllerClient} asks the active
 * controller, {@link serveController} answers as it. The wire format is in `protocol.ts`.
 */
export type { NatsControllerClientOptions } from './nats-controller-client.ts'
export {
  CONTROLLER_RETRY_INITIAL_MS,
  CONTROLLER_RETRY_MAX_MS,
  DEFAULT_CONTROLLER_ATTEMPT_TIMEOUT_MS,
  DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS,
  NatsControllerClient,
} from './nats-controller-client.ts'
export type { ControllerReply } from './protocol.ts'
export type { ControllerServer, ServeControllerOptions } from './serve-controller.ts'
export { serveController } from './serve-controller.ts'
