import { setTimeout as sleep } from 'node:timers/promises'
import {
  type Msg,
  type NatsConnection,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/nats-core'
import {
  type AdminResult,
  type AlterPartitionRequest,
  type AlterPartitionResult,
  type AlterTopicConfigsRequest,
  type BrokerHeartbeatRequest,
  type BrokerHeartbeatResult,
  type ControllerClient,
  type ControllerOperation,
  type CreatePartitionsRequest,
  type CreateTopicRequest,
  ErrorCode,
  errorFromData,
  type NatsNames,
  natsNames,
  type RegisterBrokerRequest,
  type RegisterBrokerResult,
  TributaryError,
} from '@tributary/core'
import type * as z from 'zod'
import {
  adminResultSchema,
  alterPartitionResultSchema,
  brokerHeartbeatResultSchema,
  type DecodedReply,
  decodeReply,
  registerBrokerResultSchema,
  unexpectedReply,
} from './protocol.ts'

/** How long a controller request may take in all, retries included, unless told otherwise. */
export const DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS = 15_000
/**
 * How long one attempt waits for an answer before asking again: a controller that got the request
 * but is paused (or dead, its lease not yet run out) must not hold a call, such as a broker's
 * heartbeat, past a session timeout.
 */
export const DEFAULT_CONTROLLER_ATTEMPT_TIMEOUT_MS = 2_000
/** The first pause before asking again when no controller is active; it doubles from here … */
export const CONTROLLER_RETRY_INITIAL_MS = 50
/** … up to this. */
export const CONTROLLER_RETRY_MAX_MS = 1_000

/** Options of {@link NatsControllerClient}. */
export interface NatsControllerClientOptions {
  /**
   * The deadline of each call, retries included, default
   * {@link DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS}. Make it longer than a controller failover
   * (the lease time plus a margin) so that calls ride one out.
   */
  readonly requestTimeoutMs?: number
  /** How long one attempt waits; default {@link DEFAULT_CONTROLLER_ATTEMPT_TIMEOUT_MS}. */
  readonly attemptTimeoutMs?: number
}

/**
 * The active controller of cluster `clusterId` over NATS request/reply, for brokers and gateways
 * in their own processes. Each call is a request on the operation's subject
 * (`natsNames(clusterId).controllerSubject(op)`); only the active controller subscribes there
 * (see {@link serveController}).
 *
 * While no controller is active (NATS answers "no responders", e.g. during a failover) or the
 * one that answers says NOT_CONTROLLER (it just lost its lease), the call asks again after 50 ms,
 * doubling to 1 s, until its deadline; then it fails with NOT_CONTROLLER, retriable. An attempt
 * nobody answers within `attemptTimeoutMs` (a paused or dying controller) is sent again the same
 * way; the last one ends in REQUEST_TIMED_OUT. Sending again acts at most once: only the active
 * controller can append, and it answers within milliseconds; an admin request whose first
 * attempt did land after all can meet its own result (TOPIC_ALREADY_EXISTS), as with Kafka's
 * admin client retries. Every other error is the controller's own
 * (TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS …), with its code and retriability; a lost NATS
 * connection is NETWORK_EXCEPTION.
 *
 * The connection is the caller's: this client never closes or drains it.
 */
export class NatsControllerClient implements ControllerClient {
  readonly #connection: NatsConnection
  readonly #names: NatsNames
  readonly #timeoutMs: number
  readonly #attemptTimeoutMs: number

  constructor(
    connection: NatsConnection,
    clusterId: string,
    options: NatsControllerClientOptions = {},
  ) {
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new TributaryError(
        ErrorCode.InvalidConfig,
        `requestTimeoutMs must be a positive integer, not ${timeoutMs}`,
      )
    }
    this.#connection = connection
    this.#names = natsNames(clusterId)
    this.#timeoutMs = timeoutMs
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_CONTROLLER_ATTEMPT_TIMEOUT_MS
  }

  async createTopic(request: CreateTopicRequest): Promise<AdminResult> {
    return this.#call('createTopic', request, adminResultSchema)
  }

  async deleteTopic(name: string): Promise<AdminResult> {
    return this.#call('deleteTopic', { name }, adminResultSchema)
  }

  async createPartitions(request: CreatePartitionsRequest): Promise<AdminResult> {
    return this.#call('createPartitions', request, adminResultSchema)
  }

  async alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<AdminResult> {
    return this.#call('alterTopicConfigs', request, adminResultSchema)
  }

  async registerBroker(request: RegisterBrokerRequest): Promise<RegisterBrokerResult> {
    return this.#call('registerBroker', request, registerBrokerResultSchema)
  }

  async brokerHeartbeat(request: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResult> {
    return this.#call('brokerHeartbeat', request, brokerHeartbeatResultSchema)
  }

  async alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    return this.#call('alterPartition', request, alterPartitionResultSchema)
  }

  /** Sends until the active controller answers or the deadline passes (see the class comment). */
  async #call<S extends z.ZodType>(
    operation: ControllerOperation,
    request: unknown,
    resultSchema: S,
  ): Promise<z.output<S>> {
    const subject = this.#names.controllerSubject(operation)
    const where = `${operation} (cluster ${this.#names.clusterId})`
    const payload = JSON.stringify(request)
    const deadline = Date.now() + this.#timeoutMs
    let pauseMs = CONTROLLER_RETRY_INITIAL_MS
    for (;;) {
      const answer = await this.#send(subject, payload, deadline, where)
      let refusal: TributaryError
      if (answer === 'no responders') {
        refusal = new TributaryError(ErrorCode.NotController, 'no active controller subscribes', {
          retriable: true,
        })
      } else if (answer === 'silent') {
        refusal = new TributaryError(
          ErrorCode.RequestTimedOut,
          `no controller answered within ${this.#attemptTimeoutMs} ms`,
        )
      } else if (answer.ok) {
        const result = resultSchema.safeParse(answer.result)
        if (!result.success) throw unexpectedReply(where, 'a result of the wrong shape')
        return result.data
      } else {
        refusal = errorFromData(answer.error)
        if (refusal.code !== ErrorCode.NotController) throw refusal
      }
      // Pause, then ask again; a pause that reaches the deadline ends the call instead, so the
      // last attempt is never one with no time left to be answered.
      const left = deadline - Date.now()
      const pause = Math.min(pauseMs, Math.max(0, left))
      await sleep(pause)
      if (pause >= left) {
        throw new TributaryError(
          ErrorCode.NotController,
          `${where}: no active controller answered within ${this.#timeoutMs} ms (last: ${refusal.message})`,
          { cause: refusal, retriable: true },
        )
      }
      pauseMs = Math.min(pauseMs * 2, CONTROLLER_RETRY_MAX_MS)
    }
  }

  /**
   * One request and its decoded reply, or 'no responders' when nobody subscribes to the subject.
   * A request that fails otherwise throws: REQUEST_TIMED_OUT when the deadline passed without a
   * reply, NETWORK_EXCEPTION when the connection failed (closed, draining, disconnected).
   */
  async #send(
    subject: string,
    payload: string,
    deadline: number,
    where: string,
  ): Promise<DecodedReply | 'no responders' | 'silent'> {
    let reply: Msg
    const left = deadline - Date.now()
    try {
      reply = await this.#connection.request(subject, payload, {
        timeout: Math.max(1, Math.min(left, this.#attemptTimeoutMs)),
      })
    } catch (error) {
      if (isNoResponders(error)) return 'no responders'
      if (error instanceof TimeoutError && left > this.#attemptTimeoutMs) return 'silent'
      if (error instanceof TimeoutError) {
        throw new TributaryError(
          ErrorCode.RequestTimedOut,
          `${where}: the controller did not answer within ${this.#timeoutMs} ms`,
          { cause: error },
        )
      }
      const message = error instanceof Error ? error.message : String(error)
      throw new TributaryError(ErrorCode.NetworkException, `${where}: ${message}`, {
        cause: error,
      })
    }
    return decodeReply(reply.string(), where)
  }
}

/** Whether a request failed because nobody subscribes to its subject. */
function isNoResponders(error: unknown): boolean {
  return (
    error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())
  )
}
