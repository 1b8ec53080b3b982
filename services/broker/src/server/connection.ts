import type { Socket } from 'node:net'
import {
  Acks,
  ApiKey,
  type DataPlaneClient,
  type DecodedRequest,
  decodeRequest,
  ErrorCode,
  encodeErrorResponse,
  encodeFetchResponse,
  encodeGroupResponse,
  encodeListOffsetsResponse,
  encodeOffsetsForLeaderEpochResponse,
  encodeProduceResponse,
  type Frame,
  FrameDecoder,
  isApiKey,
  type Logger,
  TributaryError,
} from '@tributary/core'

export interface ConnectionOptions {
  readonly handler: DataPlaneClient
  readonly logger: Logger
  readonly maxFrameBytes: number
  /** Requests served at once before the connection stops reading more. */
  readonly maxInFlight: number
}

/**
 * One client connection of the data-plane server: cuts frames out of the stream, serves every
 * request as soon as it arrives (pipelining: many may be in flight) and writes each response
 * when it is ready, so responses can come back in another order than their requests; the
 * client pairs them by correlation id. A produce with acks=0 gets no response.
 *
 * A stream that cannot be decoded (a bad frame size, an unknown API, a malformed body) cannot
 * be trusted further: the connection is logged and closed, as Kafka does. A request at a
 * version this build does not speak gets an UNSUPPORTED_VERSION response instead, and a Group
 * request the contract refuses an INVALID_REQUEST response.
 */
export class Connection {
  readonly socket: Socket
  readonly #options: ConnectionOptions
  readonly #decoder: FrameDecoder
  readonly #logger: Logger
  #inFlight = 0
  #draining = false
  #waitingForDrain = false
  #idle: (() => void) | undefined

  constructor(socket: Socket, options: ConnectionOptions) {
    this.socket = socket
    this.#options = options
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes })
    this.#logger = options.logger.child({
      remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    })
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('drain', () => {
      this.#waitingForDrain = false
      this.#updateFlow()
    })
    socket.on('error', (error) => this.#logger.debug({ err: error }, 'connection error'))
  }

  get inFlight(): number {
    return this.#inFlight
  }

  /**
   * Stops reading requests, lets those in flight answer, then ends the connection; resolves when
   * the socket has closed.
   */
  drain(): Promise<void> {
    this.#draining = true
    this.#updateFlow()
    const closed = new Promise<void>((resolve) => {
      if (this.socket.destroyed) resolve()
      else this.socket.once('close', () => resolve())
    })
    if (this.#inFlight === 0) this.#finish()
    else this.#idle = () => this.#finish()
    return closed
  }

  /** Ends our side, and reads on (discarding) so the peer's end is seen and the socket closes. */
  #finish(): void {
    this.socket.end()
    this.socket.resume()
  }

  #receive(chunk: Buffer): void {
    if (this.#draining) return
    let frames: Frame[]
    try {
      frames = this.#decoder.push(chunk)
    } catch (error) {
      this.#close('undecodable frame', error)
      return
    }
    for (const frame of frames) {
      if (this.socket.destroyed) return
      this.#serve(frame)
    }
  }

  #serve(frame: Frame): void {
    let decoded: DecodedRequest
    try {
      decoded = decodeRequest(frame)
    } catch (error) {
      // A Group body is JSON filling its frame, so a malformed one leaves the stream intact:
      // it is answered with an error, like a version this build does not speak.
      if (
        isApiKey(frame.apiKey) &&
        error instanceof TributaryError &&
        (error.code === ErrorCode.UnsupportedVersion || frame.apiKey === ApiKey.Group)
      ) {
        this.#write(encodeErrorResponse(frame, error))
        return
      }
      this.#close('malformed request', error, frame)
      return
    }
    this.#inFlight++
    this.#updateFlow()
    this.#answer(decoded)
      .then((response) => {
        if (response !== undefined) this.#write(response)
      })
      .catch((error: unknown) => {
        // The handler answers failures in its responses; this is a bug or an encoding failure.
        this.#logger.error({ err: error, correlationId: frame.correlationId }, 'request failed')
        this.#write(encodeErrorResponse(frame, error))
      })
      .finally(() => {
        this.#inFlight--
        this.#updateFlow()
        if (this.#inFlight === 0 && this.#idle !== undefined) this.#idle()
      })
  }

  /** The encoded response, or undefined when none is sent (acks=0). */
  async #answer(decoded: DecodedRequest): Promise<Uint8Array | undefined> {
    const { handler } = this.#options
    switch (decoded.apiKey) {
      case ApiKey.Produce: {
        const response = await handler.produce(decoded.request)
        if (decoded.request.acks !== Acks.None) {
          return encodeProduceResponse(decoded.correlationId, response)
        }
        if (response.errorCode !== 0) {
          // The producer hears nothing with acks=0; closing the connection is how it learns
          // something is wrong (a moved leader), as with Kafka.
          this.#close('acks=0 produce failed', new Error(response.errorMessage ?? 'error'))
        }
        return undefined
      }
      case ApiKey.Fetch:
        return encodeFetchResponse(decoded.correlationId, await handler.fetch(decoded.request))
      case ApiKey.ListOffsets:
        return encodeListOffsetsResponse(
          decoded.correlationId,
          await handler.listOffsets(decoded.request),
        )
      case ApiKey.OffsetsForLeaderEpoch:
        return encodeOffsetsForLeaderEpochResponse(
          decoded.correlationId,
          await handler.offsetsForLeaderEpoch(decoded.request),
        )
      case ApiKey.Group:
        return encodeGroupResponse(decoded.correlationId, await handler.group(decoded.request))
    }
  }

  #write(bytes: Uint8Array): void {
    if (this.socket.destroyed || this.socket.writableEnded) return
    if (!this.socket.write(bytes)) {
      this.#waitingForDrain = true
      this.#updateFlow()
    }
  }

  /** Reads while there is room for more work: not draining, few enough in flight, socket not backed up. */
  #updateFlow(): void {
    const read =
      !this.#draining && !this.#waitingForDrain && this.#inFlight < this.#options.maxInFlight
    if (read && this.socket.isPaused()) this.socket.resume()
    else if (!read && !this.socket.isPaused()) this.socket.pause()
  }

  #close(reason: string, error: unknown, frame?: Frame): void {
    this.#logger.warn(
      {
        reason,
        err: error instanceof Error ? error.message : String(error),
        ...(frame === undefined
          ? {}
          : { apiKey: frame.apiKey, correlationId: frame.correlationId }),
      },
      'closing data-plane connection',
    )
    this.socket.destroy()
  }
}
