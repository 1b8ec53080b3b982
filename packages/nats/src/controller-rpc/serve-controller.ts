import type { Msg, NatsConnection } from '@nats-io/nats-core'
import {
  type ControllerClient,
  type ControllerOperation,
  ErrorCode,
  type Logger,
  natsNames,
  parseControllerRequest,
  silentLogger,
  TributaryError,
  toErrorData,
} from '@tributary/core'
import { type ControllerReply, controllerOperations, requestSchemas } from './protocol.ts'

/** Options of {@link serveController}. */
export interface ServeControllerOptions {
  /** Where failures that are not TributaryErrors are logged (they answer UNKNOWN_SERVER_ERROR). */
  readonly logger?: Logger
}

/** A running {@link serveController}. */
export interface ControllerServer {
  /**
   * Stops answering: drains the subscription, so requests already delivered are still handled,
   * and resolves once every reply is sent. Requests after that find no responders (the clients
   * retry until another controller serves). Calling it again does nothing more.
   */
  stop(): Promise<void>
}

/**
 * Answers the controller requests of cluster `clusterId` over NATS request/reply by calling
 * `controller`: one subscription on every controller subject (`natsNames(clusterId)
 * .controllerSubjects`). Each request body is checked with core's schema of its operation
 * (defaults filled); a body that is not JSON or fails its schema is answered INVALID_REQUEST. A
 * TributaryError thrown by the controller is answered as its ErrorData (code, message,
 * retriability); anything else is logged and answered as a bare UNKNOWN_SERVER_ERROR, no
 * internals.
 *
 * Only the active controller may serve: the controller service calls this when it wins the
 * election and calls `stop()` when it loses the lease. A deposed controller that has not noticed
 * yet (paused past its lease) still subscribes: it gets requests too, but cannot act on them (the
 * new controller opened its term on the log, so the log refuses the old epoch's appends) and,
 * while paused, does not answer at all. There is deliberately no queue group: with one, requests
 * routed to a paused controller would wait for nothing while the active one idles. Between one controller's
 * `stop()` and the next one's start, clients see "no responders" and retry (see
 * {@link NatsControllerClient}); a controller that answers a request after losing the lease
 * throws NOT_CONTROLLER, which clients retry too.
 *
 * The connection is the caller's: `stop()` drains the subscription, never the connection.
 */
export function serveController(
  connection: NatsConnection,
  clusterId: string,
  controller: ControllerClient,
  options: ServeControllerOptions = {},
): ControllerServer {
  const names = natsNames(clusterId)
  const logger = (options.logger ?? silentLogger).child({ clusterId: names.clusterId })
  const operations = new Map<string, ControllerOperation>(
    controllerOperations.map((operation) => [names.controllerSubject(operation), operation]),
  )
  const inFlight = new Set<Promise<void>>()

  const subscription = connection.subscribe(names.controllerSubjects, {
    callback: (error, msg) => {
      if (error !== null) {
        logger.error({ err: error }, 'controller subscription failed')
        return
      }
      const handled = answer(msg, operations.get(msg.subject), controller, logger)
      inFlight.add(handled)
      void handled.finally(() => inFlight.delete(handled))
    },
  })

  let stopped: Promise<void> | undefined
  return {
    stop() {
      stopped ??= (async () => {
        if (!subscription.isClosed()) await subscription.drain()
        await Promise.all(inFlight)
      })()
      return stopped
    },
  }
}

/** Handles one request and replies (when the request has a reply subject); never rejects. */
async function answer(
  msg: Msg,
  operation: ControllerOperation | undefined,
  controller: ControllerClient,
  logger: Logger,
): Promise<void> {
  let reply: ControllerReply
  try {
    if (operation === undefined) {
      throw new TributaryError(
        ErrorCode.InvalidRequest,
        `no controller operation on subject ${msg.subject}`,
      )
    }
    reply = { ok: true, result: await perform(operation, readJson(msg), controller) }
  } catch (error) {
    if (!(error instanceof TributaryError)) {
      logger.error({ err: error, subject: msg.subject }, 'controller request failed')
    }
    reply = { ok: false, error: toErrorData(error) }
  }
  if (msg.reply === undefined || msg.reply === '') {
    logger.debug({ subject: msg.subject }, 'controller request without a reply subject')
    return
  }
  try {
    msg.respond(JSON.stringify(reply))
  } catch (error) {
    // The connection closed under us: the client's request times out; nothing else to do.
    logger.warn({ err: error, subject: msg.subject }, 'could not reply to a controller request')
  }
}

/** Checks `body` against the operation's schema and calls the controller with it. */
async function perform(
  operation: ControllerOperation,
  body: unknown,
  controller: ControllerClient,
): Promise<unknown> {
  switch (operation) {
    case 'createTopic':
      return controller.createTopic(parseControllerRequest(requestSchemas.createTopic, body))
    case 'deleteTopic':
      return controller.deleteTopic(parseControllerRequest(requestSchemas.deleteTopic, body).name)
    case 'createPartitions':
      return controller.createPartitions(
        parseControllerRequest(requestSchemas.createPartitions, body),
      )
    case 'alterTopicConfigs':
      return controller.alterTopicConfigs(
        parseControllerRequest(requestSchemas.alterTopicConfigs, body),
      )
    case 'registerBroker':
      return controller.registerBroker(parseControllerRequest(requestSchemas.registerBroker, body))
    case 'brokerHeartbeat':
      return controller.brokerHeartbeat(
        parseControllerRequest(requestSchemas.brokerHeartbeat, body),
      )
    case 'alterPartition':
      return controller.alterPartition(parseControllerRequest(requestSchemas.alterPartition, body))
  }
}

/** The request body as JSON; INVALID_REQUEST if it is not. */
function readJson(msg: Msg): unknown {
  try {
    return JSON.parse(msg.string())
  } catch (error) {
    throw new TributaryError(ErrorCode.InvalidRequest, 'request body is not valid JSON', {
      cause: error,
    })
  }
}
