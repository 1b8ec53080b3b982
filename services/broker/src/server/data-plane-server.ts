import { type AddressInfo, createServer, type Server } from 'node:net'
import {
  type DataPlaneClient,
  DEFAULT_MAX_FRAME_BYTES,
  type Logger,
  silentLogger,
} from '@tributary/core'
import { Connection } from './connection.ts'

/** Requests one connection may have in flight before it stops reading (Kafka lets 5 per producer; a gateway multiplexes many). */
export const DEFAULT_MAX_IN_FLIGHT = 1024
/** How long a graceful close waits for in-flight requests before cutting connections. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000

export interface DataPlaneServerOptions {
  /** Serves the requests: the broker's DataPlaneHandler. */
  readonly handler: DataPlaneClient
  readonly logger?: Logger
  readonly maxFrameBytes?: number
  readonly maxInFlight?: number
  readonly drainTimeoutMs?: number
  /** Hears connections opening and closing, for metrics. */
  readonly onConnectionCount?: (count: number) => void
}

/**
 * The broker's data-plane TCP server: core's binary protocol, one {@link Connection} per
 * client. `close` is graceful: it stops accepting, lets in-flight requests answer, then closes
 * the connections (cutting them after `drainTimeoutMs`).
 */
export class DataPlaneServer {
  readonly #options: DataPlaneServerOptions
  readonly #logger: Logger
  readonly #server: Server
  readonly #connections = new Set<Connection>()
  #closing: Promise<void> | undefined

  constructor(options: DataPlaneServerOptions) {
    this.#options = options
    this.#logger = (options.logger ?? silentLogger).child({ component: 'data-plane-server' })
    this.#server = createServer((socket) => {
      if (this.#closing !== undefined) {
        socket.destroy()
        return
      }
      const connection = new Connection(socket, {
        handler: options.handler,
        logger: this.#logger,
        maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      })
      this.#connections.add(connection)
      options.onConnectionCount?.(this.#connections.size)
      socket.once('close', () => {
        this.#connections.delete(connection)
        options.onConnectionCount?.(this.#connections.size)
      })
    })
  }

  /** Starts listening; `port` 0 picks a free port. Resolves with the address bound. */
  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error)
      this.#server.once('error', failed)
      this.#server.listen(port, host, () => {
        this.#server.off('error', failed)
        this.#server.on('error', (error) => this.#logger.error({ err: error }, 'server error'))
        resolve(this.address as AddressInfo)
      })
    })
  }

  /** The address listened on, or undefined before listen. */
  get address(): AddressInfo | undefined {
    const address = this.#server.address()
    return address === null || typeof address === 'string' ? undefined : address
  }

  get connectionCount(): number {
    return this.#connections.size
  }

  /** Graceful close; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!this.#server.listening) resolve()
      else this.#server.close(() => resolve())
    })
    const connections = [...this.#connections]
    const drained = Promise.all(connections.map((connection) => connection.drain()))
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => resolve('timeout'),
        this.#options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
      )
    })
    if ((await Promise.race([drained, timedOut])) === 'timeout') {
      const busy = connections.filter((connection) => !connection.socket.destroyed)
      this.#logger.warn({ connections: busy.length }, 'cutting connections that did not drain')
      for (const connection of busy) connection.socket.destroy()
    }
    clearTimeout(timer)
    await stopped
  }
}
