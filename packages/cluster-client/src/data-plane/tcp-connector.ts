import {
  Acks,
  type BrokerEndpoint,
  type DataPlaneClient,
  type DataPlaneConnector,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFetchResponse,
  decodeGroupResponse,
  decodeListOffsetsResponse,
  decodeOffsetsForLeaderEpochResponse,
  decodeProduceResponse,
  ErrorCode,
  encodeFetchRequest,
  encodeGroupRequest,
  encodeListOffsetsRequest,
  encodeOffsetsForLeaderEpochRequest,
  encodeProduceRequest,
  type FetchRequest,
  type FetchResponse,
  type GroupOp,
  type GroupRequest,
  type GroupRequestOf,
  type GroupResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type Logger,
  NO_ERROR,
  type OffsetsForLeaderEpochRequest,
  type OffsetsForLeaderEpochResponse,
  type ProduceRequest,
  type ProduceResponse,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import { Connection } from './connection.ts'

/** Kafka's request.timeout.ms. A fetch gets its maxWaitMs on top. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/** Kafka's socket.connection.setup.timeout.ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

export interface TcpDataPlaneOptions {
  readonly requestTimeoutMs?: number
  readonly connectTimeoutMs?: number
  /** The largest response frame accepted. */
  readonly maxFrameBytes?: number
  readonly logger?: Logger
}

/**
 * A broker's data plane over TCP (core's binary protocol). Connects lazily, on the first
 * request; after the connection fails, the next request connects again. Requests are pipelined
 * over the one connection. Rejections are TributaryErrors: NETWORK_EXCEPTION (retriable) when
 * the connection fails or drops with the request unanswered, REQUEST_TIMED_OUT (retriable) when
 * the broker does not answer in time. A produce with acks=0 resolves once the request is
 * written, with errorCode 0 and offsets -1, as the broker sends no response to it.
 */
export class TcpDataPlaneClient implements DataPlaneClient {
  readonly brokerId: number
  readonly endpoint: BrokerEndpoint
  readonly #requestTimeoutMs: number
  readonly #connectTimeoutMs: number
  readonly #maxFrameBytes: number
  readonly #logger: Logger
  #connection: Connection | undefined
  #nextCorrelationId = 0
  #closed = false

  constructor(brokerId: number, endpoint: BrokerEndpoint, options: TcpDataPlaneOptions = {}) {
    this.brokerId = brokerId
    this.endpoint = endpoint
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    this.#logger = options.logger ?? silentLogger
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Requests waiting for a response on the current connection. */
  get pendingCount(): number {
    return this.#connection?.pendingCount ?? 0
  }

  async produce(request: ProduceRequest): Promise<ProduceResponse> {
    const correlationId = this.#correlationId()
    const frame = encodeProduceRequest(correlationId, request)
    const connection = this.#connect()
    if (request.acks === Acks.None) {
      await connection.send(frame)
      return { ...NO_ERROR, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 }
    }
    return connection.request(correlationId, frame, decodeProduceResponse, this.#requestTimeoutMs)
  }

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    const correlationId = this.#correlationId()
    const frame = encodeFetchRequest(correlationId, request)
    const timeoutMs = this.#requestTimeoutMs + Math.max(0, request.maxWaitMs)
    return this.#connect().request(correlationId, frame, decodeFetchResponse, timeoutMs)
  }

  async listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    const correlationId = this.#correlationId()
    const frame = encodeListOffsetsRequest(correlationId, request)
    return this.#connect().request(
      correlationId,
      frame,
      decodeListOffsetsResponse,
      this.#requestTimeoutMs,
    )
  }

  async offsetsForLeaderEpoch(
    request: OffsetsForLeaderEpochRequest,
  ): Promise<OffsetsForLeaderEpochResponse> {
    const correlationId = this.#correlationId()
    const frame = encodeOffsetsForLeaderEpochRequest(correlationId, request)
    return this.#connect().request(
      correlationId,
      frame,
      decodeOffsetsForLeaderEpochResponse,
      this.#requestTimeoutMs,
    )
  }

  /**
   * A Group API request (JSON bodies). The coordinator's refusals come back in the response;
   * the promise rejects only as the other requests do (connection failed, timed out).
   */
  async group<Op extends GroupOp>(request: GroupRequestOf<Op>): Promise<GroupResponse<Op>> {
    const correlationId = this.#correlationId()
    const frame = encodeGroupRequest(correlationId, request as GroupRequest)
    const response = await this.#connect().request(
      correlationId,
      frame,
      decodeGroupResponse,
      this.#requestTimeoutMs,
    )
    return response as GroupResponse<Op>
  }

  /** Closes the connection; requests waiting are rejected, later ones refused. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    this.#connection?.close('client closed')
    this.#connection = undefined
  }

  #connect(): Connection {
    if (this.#closed) {
      throw new TributaryError(
        ErrorCode.NetworkException,
        `the client of broker ${this.brokerId} is closed`,
        { retriable: false },
      )
    }
    if (this.#connection?.usable === true) return this.#connection
    const { host, port } = this.endpoint
    const connection = new Connection(
      {
        host,
        port,
        peer: `broker ${this.brokerId} (${host}:${port})`,
        connectTimeoutMs: this.#connectTimeoutMs,
        maxFrameBytes: this.#maxFrameBytes,
        logger: this.#logger,
      },
      () => {
        if (this.#connection === connection) this.#connection = undefined
      },
    )
    this.#connection = connection
    return connection
  }

  #correlationId(): number {
    const id = this.#nextCorrelationId
    this.#nextCorrelationId = id === 0x7fff_ffff ? 0 : id + 1
    return id
  }
}

/**
 * Opens {@link TcpDataPlaneClient}s, one per broker: asking again for the same broker and
 * endpoint returns the same client (and so the same connection); a changed endpoint replaces it.
 */
export class TcpDataPlaneConnector implements DataPlaneConnector {
  readonly #options: TcpDataPlaneOptions
  readonly #clients = new Map<number, TcpDataPlaneClient>()

  constructor(options: TcpDataPlaneOptions = {}) {
    this.#options = options
  }

  connect(brokerId: number, endpoint: BrokerEndpoint): TcpDataPlaneClient {
    const existing = this.#clients.get(brokerId)
    if (
      existing !== undefined &&
      !existing.closed &&
      existing.endpoint.host === endpoint.host &&
      existing.endpoint.port === endpoint.port
    ) {
      return existing
    }
    if (existing !== undefined) void existing.close()
    const client = new TcpDataPlaneClient(brokerId, endpoint, this.#options)
    this.#clients.set(brokerId, client)
    return client
  }

  /** Closes every client opened. */
  async close(): Promise<void> {
    const clients = [...this.#clients.values()]
    this.#clients.clear()
    await Promise.all(clients.map((client) => client.close()))
  }
}
