import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Stops `server` accepting and resolves once its connections are gone. Idle keep-alive
 * connections are closed now and, given `idleCloseIntervalMs`, every interval after, as busy
 * ones go idle (a long-poll answered), so clients reconnect elsewhere at once.
 */
export function closeHttpServer(
  server: Pick<Server, 'close' | 'closeIdleConnections'>,
  idleCloseIntervalMs?: number,
): Promise<void> {
  return new Promise((resolve) => {
    const idle =
      idleCloseIntervalMs === undefined
        ? undefined
        : setInterval(() => server.closeIdleConnections(), idleCloseIntervalMs)
    server.close(() => {
      clearInterval(idle)
      resolve()
    })
    server.closeIdleConnections()
  })
}

/** The URL a server bound to `address` answers on: `http://127.0.0.1:8082`, `http://[::1]:8082`. */
export function httpUrl(address: Pick<AddressInfo, 'address' | 'family' | 'port'>): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
