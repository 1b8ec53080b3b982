import { connect, type Socket } from 'node:net'
import { ErrorCode, type Frame, FrameDecoder, type Logger, TributaryError } from '@tributary/core'

interface Pending {
  readonly decode: (frame: Frame) => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
  readonly timer: NodeJS.Timeout
}

export interface ConnectionOptions {
  readonly host: string
  readonly port: number
  /** Names the peer in errors and logs: `broker 1 (host:port)`. */
  readonly peer: string
  readonly connectTimeoutMs: number
  readonly maxFrameBytes: number
  readonly logger: Logger
}

/**
 * One TCP connection to a broker's data plane, connecting as soon as it is made. Requests are
 * pipelined: each is written at once and its response found by correlation id, in whatever
 * order responses come. When the connection fails or closes, every request still waiting is
 * rejected with NETWORK_EXCEPTION (retriable: it may or may not have been served); a response
 * that cannot be decoded fails the connection the same way, since the stream is then untrustworthy.
 */
export class Connection {
  readonly #options: ConnectionOptions
  readonly #socket: Socket
  readonly #decoder: FrameDecoder
  readonly #pending = new Map<number, Pending>()
  #failure: TributaryError | undefined
  readonly #onClose: () => void

  constructor(options: ConnectionOptions, onClose: () => void) {
    this.#options = options
    this.#onClose = onClose
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes })
    const socket = connect({ host: options.host, port: options.port })
    this.#socket = socket
    socket.setNoDelay(true)
    const connectTimer = setTimeout(
      () => this.#fail(`could not connect within ${options.connectTimeoutMs} ms`),
      options.connectTimeoutMs,
    )
    socket.once('connect', () => clearTimeout(connectTimer))
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('error', (error) => this.#fail(error.message, error))
    socket.once('close', () => {
      clearTimeout(connectTimer)
      this.#fail('connection closed')
      this.#onClose()
    })
  }

  /** Whether the connection can still carry requests. */
  get usable(): boolean {
    return this.#failure === undefined && !this.#socket.destroyed
  }

  get pendingCount(): number {
    return this.#pending.size
  }

  /**
   * Writes a request frame and resolves with its decoded response, or rejects: NETWORK_EXCEPTION
   * if the connection fails first, REQUEST_TIMED_OUT after `timeoutMs`.
   */
  request<T>(
    correlationId: number,
    frame: Uint8Array,
    decode: (frame: Frame) => T,
    timeoutMs: number,
  ): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId)
        reject(
          new TributaryError(
            ErrorCode.RequestTimedOut,
            `${this.#options.peer} did not answer within ${timeoutMs} ms`,
          ),
        )
      }, timeoutMs)
      this.#pending.set(correlationId, {
        decode,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      })
      this.#socket.write(frame)
    })
  }

  /** Writes a frame that gets no response; resolves once the socket has taken it. */
  send(frame: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => {
      this.#socket.write(frame, (error) => {
        if (error === undefined || error === null) resolve()
        else reject(this.#failure ?? this.#networkError(error.message, error))
      })
    })
  }

  /** Closes the connection; requests waiting are rejected with `reason`. */
  close(reason: string): void {
    this.#fail(reason)
  }

  #receive(chunk: Buffer): void {
    let frames: Frame[]
    try {
      frames = this.#decoder.push(chunk)
    } catch (error) {
      this.#fail('undecodable response stream', error)
      return
    }
    for (const frame of frames) {
      const pending = this.#pending.get(frame.correlationId)
      if (pending === undefined) {
        // Its request timed out; the answer came late.
        this.#options.logger.debug(
          { peer: this.#options.peer, correlationId: frame.correlationId },
          'response to a request no longer waited for',
        )
        continue
      }
      this.#pending.delete(frame.correlationId)
      clearTimeout(pending.timer)
      let response: unknown
      try {
        response = pending.decode(frame)
      } catch (error) {
        pending.reject(this.#networkError('malformed response', error))
        this.#fail('malformed response', error)
        return
      }
      pending.resolve(response)
    }
  }

  #fail(reason: string, cause?: unknown): void {
    if (this.#failure === undefined) {
      this.#failure = this.#networkError(reason, cause)
      this.#options.logger.debug(
        { peer: this.#options.peer, reason },
        'data-plane connection failed',
      )
    }
    const failure = this.#failure
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const request of pending) {
      clearTimeout(request.timer)
      request.reject(failure)
    }
    if (!this.#socket.destroyed) this.#socket.destroy()
  }

  #networkError(reason: string, cause?: unknown): TributaryError {
    return new TributaryError(ErrorCode.NetworkException, `${this.#options.peer}: ${reason}`, {
      ...(cause === undefined ? {} : { cause }),
    })
  }
}
