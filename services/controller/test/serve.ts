import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Logger } from '@tributary/core'
import { onTestFinished } from 'vitest'
import { type Controller, createApp } from '../src/index.ts'

export interface Served {
  readonly url: string
  readonly port: number
  /** Stops accepting and waits for open connections to end (long-polls included). */
  readonly close: () => Promise<void>
  /** Stops accepting and cuts every connection, as a crash would. */
  readonly kill: () => Promise<void>
}

/**
 * The controller's app on a real socket on 127.0.0.1 (port 0 unless given), closed when the test
 * finishes.
 */
export async function serveController(
  controller: Controller,
  options: { port?: number; logger?: Logger } = {},
): Promise<Served> {
  const app = createApp({ controller, logger: options.logger })
  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => server.close(() => resolve()))
    return closing
  }
  const kill = () => {
    const closed = close()
    if ('closeAllConnections' in server) server.closeAllConnections()
    return closed
  }
  onTestFinished(kill)
  return { url: `http://127.0.0.1:${port}`, port, close, kill }
}
