import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { closeHttpServer, httpUrl } from '../src/index.ts'

describe('httpUrl', () => {
  it('brackets IPv6 addresses', () => {
    expect(httpUrl({ address: '127.0.0.1', family: 'IPv4', port: 8082 })).toBe(
      'http://127.0.0.1:8082',
    )
    expect(httpUrl({ address: '::1', family: 'IPv6', port: 8082 })).toBe('http://[::1]:8082')
  })
})

describe('closeHttpServer', () => {
  it('closes a keep-alive connection that goes idle after the close began', async () => {
    let answer: (() => void) | undefined
    const server = createServer((_request, response) => {
      answer = () => response.end('done')
    })
    // Longer than the test may take: only closing idle connections lets the close finish.
    server.keepAliveTimeout = 60_000
    onTestFinished(() => {
      server.closeAllConnections()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const agent = new Agent({ keepAlive: true })
    onTestFinished(() => agent.destroy())
    const body = new Promise<string>((resolve, reject) => {
      request({ port, host: '127.0.0.1', agent }, (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString()
        })
        response.on('end', () => resolve(text))
      })
        .on('error', reject)
        .end()
    })
    while (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 5))
    const closed = closeHttpServer(server, 10)
    answer()
    expect(await body).toBe('done')
    await closed
    expect(server.listening).toBe(false)
  })
})
