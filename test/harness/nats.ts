/**
 * A real nats-server for the cross-service suites: JetStream on, its own config file and store
 * directory in a temp dir, a free port on 127.0.0.1, writes synced before they are acknowledged
 * where the server supports it. The launcher is @tributary/nats's own test harness, re-exported
 * so both suites run the server one way.
 */
export {
  type NatsServer,
  natsServerPerFile,
  natsServerVersion,
  startNatsServer,
} from '../../packages/nats/test/nats-server.ts'
