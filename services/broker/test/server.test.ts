import { connect, createServer, type Socket } from 'node:net'
import { TcpDataPlaneConnector } from '@tributary/cluster-client'
import {
  Acks,
  ApiKey,
  createMemoryLogger,
  type DataPlaneClient,
  decodeProduceResponse,
  ErrorCode,
  encodeFrame,
  encodeProduceRequest,
  FrameDecoder,
  TributaryError,
} from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { DataPlaneServer, type DataPlaneServerOptions } from '../src/server/index.ts'
import { batchOf, fetchRequest, hostReplicas, produceRequest, recordsOf, until } from './helpers.ts'

async function serve(handler: DataPlaneClient, options: Partial<DataPlaneServerOptions> = {}) {
  const server = new DataPlaneServer({ handler, ...options })
  const address = await server.listen(0, '127.0.0.1')
  onTestFinished(() => server.close())
  return { server, endpoint: { name: 'client', host: '127.0.0.1', port: address.port } }
}

function connector(options: ConstructorParameters<typeof TcpDataPlaneConnector>[0] = {}) {
  const made = new TcpDataPlaneConnector(options)
  onTestFinished(() => made.close())
  return made
}

async function brokerWithTopic(topic: string) {
  const host = hostReplicas()
  host.metadata.registerBroker(1)
  host.metadata.createTopic(topic)
  await host.replicas.sync()
  return host
}

/** A raw connection for sending bytes the client would never send. */
function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket))
    socket.once('error', reject)
    onTestFinished(() => {
      socket.destroy()
    })
  })
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve()
    else socket.once('close', () => resolve())
  })
}

async function rejection(promise: Promise<unknown>): Promise<TributaryError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof TributaryError) return error
    throw error
  }
  throw new Error('expected a rejection')
}

describe('data-plane server over TCP, with TcpDataPlaneConnector', () => {
  it('serves many pipelined produces on one connection with contiguous offsets', async () => {
    const { handler } = await brokerWithTopic('t')
    const { endpoint, server } = await serve(handler)
    const client = connector().connect(1, endpoint)
    const count = 200
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.produce(produceRequest('t', batchOf([`r${i}`, `s${i}`]))),
      ),
    )
    expect(server.connectionCount).toBe(1)
    expect(responses.every((response) => response.errorCode === 0)).toBe(true)
    const bases = responses.map((response) => response.baseOffset).sort((a, b) => a - b)
    expect(bases).toEqual(Array.from({ length: count }, (_, i) => i * 2))

    const fetched = await client.fetch(fetchRequest('t', 0))
    const records = recordsOf(fetched.records)
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: count * 2 }, (_, i) => i))
    // Each request's two records landed together, at the offset its response named.
    for (const [i, response] of responses.entries()) {
      expect(records[response.baseOffset]?.value).toBe(`r${i}`)
      expect(records[response.baseOffset + 1]?.value).toBe(`s${i}`)
    }
    expect(await client.listOffsets({ topic: 't', partition: 0, timestamp: -1 })).toMatchObject({
      errorCode: 0,
      offset: count * 2,
    })
  })

  it('carries partition errors in responses and answers a long-poll fetch when data arrives', async () => {
    const { handler } = await brokerWithTopic('t')
    const { endpoint } = await serve(handler)
    const client = connector().connect(1, endpoint)
    expect((await client.produce(produceRequest('nope', batchOf(['x'])))).errorCode).toBe(3)
    const waiting = client.fetch(fetchRequest('t', 0, { maxWaitMs: 600_000, minBytes: 1 }))
    // A produce on the same connection is not held up behind the waiting fetch.
    expect((await client.produce(produceRequest('t', batchOf(['hello'])))).baseOffset).toBe(0)
    expect(recordsOf((await waiting).records)).toEqual([{ offset: 0, value: 'hello' }])
  })

  it('sends no response to acks=0, and the record is stored', async () => {
    const { handler } = await brokerWithTopic('t')
    const { endpoint } = await serve(handler)
    const client = connector().connect(1, endpoint)
    const waiting = client.fetch(fetchRequest('t', 0, { maxWaitMs: 600_000, minBytes: 1 }))
    const none = await client.produce(
      produceRequest('t', batchOf(['fire and forget']), { acks: Acks.None }),
    )
    expect(none).toMatchObject({ errorCode: 0, baseOffset: -1 })
    expect(recordsOf((await waiting).records)).toEqual([{ offset: 0, value: 'fire and forget' }])

    // A raw client sees no frame for the acks=0 request, only the next one's.
    const socket = await rawSocket(endpoint.port)
    const decoder = new FrameDecoder()
    const frames: number[] = []
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) frames.push(frame.correlationId)
    })
    socket.write(encodeProduceRequest(7, produceRequest('t', batchOf(['a']), { acks: Acks.None })))
    socket.write(encodeProduceRequest(8, produceRequest('t', batchOf(['b']))))
    while (frames.length === 0) await new Promise((resolve) => setImmediate(resolve))
    expect(frames).toEqual([8])
  })

  it('closes the connection when an acks=0 produce fails, the only way its producer can tell', async () => {
    const { handler } = await brokerWithTopic('t')
    const { endpoint } = await serve(handler)
    const socket = await rawSocket(endpoint.port)
    socket.write(
      encodeProduceRequest(1, produceRequest('unknown', batchOf(['lost']), { acks: Acks.None })),
    )
    await closed(socket)
    expect(socket.destroyed).toBe(true)
  })

  it('closes a connection that sends a malformed frame, logs it, and keeps serving others', async () => {
    const { handler } = await brokerWithTopic('t')
    const logger = createMemoryLogger()
    const { endpoint } = await serve(handler, { logger })
    const client = connector().connect(1, endpoint)

    const tooSmall = await rawSocket(endpoint.port)
    tooSmall.write(Uint8Array.of(0, 0, 0, 2, 0, 0)) // a frame size below the header's
    await closed(tooSmall)

    const unknownApi = await rawSocket(endpoint.port)
    unknownApi.write(
      encodeFrame({ apiKey: 99, apiVersion: 0, correlationId: 1 }, new Uint8Array(4)),
    )
    await closed(unknownApi)

    const badBody = await rawSocket(endpoint.port)
    badBody.write(
      encodeFrame({ apiKey: ApiKey.Produce, apiVersion: 0, correlationId: 2 }, Uint8Array.of(0xff)),
    )
    await closed(badBody)

    expect(
      logger.entries.filter((entry) => entry.message === 'closing data-plane connection'),
    ).toHaveLength(3)
    expect((await client.produce(produceRequest('t', batchOf(['still here'])))).errorCode).toBe(0)
  })

  it('answers a request at an unsupported version with UNSUPPORTED_VERSION and stays open', async () => {
    const { handler } = await brokerWithTopic('t')
    const { endpoint } = await serve(handler)
    const socket = await rawSocket(endpoint.port)
    const decoder = new FrameDecoder()
    const answered = new Promise<ReturnType<typeof decodeProduceResponse>>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        const [frame] = decoder.push(chunk)
        if (frame !== undefined) resolve(decodeProduceResponse(frame))
      })
    })
    const request = encodeProduceRequest(5, produceRequest('t', batchOf(['v9'])))
    new DataView(request.buffer, request.byteOffset).setInt16(6, 9) // apiVersion 9
    socket.write(request)
    expect((await answered).errorCode).toBe(35)
    expect(socket.destroyed).toBe(false)
  })

  it('rejects pending requests with a retriable error when the connection drops, and reconnects on next use', async () => {
    const { handler, replicas } = await brokerWithTopic('t')
    const first = await serve(handler, { drainTimeoutMs: 10 })
    const client = connector().connect(1, first.endpoint)
    expect((await client.produce(produceRequest('t', batchOf(['a'])))).baseOffset).toBe(0)

    // A long-poll the server cuts off when it closes without waiting for it.
    const waiting = client.fetch(fetchRequest('t', 1, { maxWaitMs: 600_000, minBytes: 1 }))
    await until(() => replicas.replica('t', 0)?.waiting === 1)
    await first.server.close()
    const error = await rejection(waiting)
    expect(error.code).toBe(ErrorCode.NetworkException)
    expect(error.retriable).toBe(true)

    // Nothing listens on the port now: the next request fails to connect, retriably.
    const refused = await rejection(client.produce(produceRequest('t', batchOf(['b']))))
    expect(refused.code).toBe(ErrorCode.NetworkException)
    expect(refused.retriable).toBe(true)

    // A server on the same port again: the same client connects anew.
    const second = new DataPlaneServer({ handler })
    await second.listen(first.endpoint.port, '127.0.0.1')
    onTestFinished(() => second.close())
    expect((await client.produce(produceRequest('t', batchOf(['c'])))).baseOffset).toBe(1)
  })

  it('times requests out with REQUEST_TIMED_OUT when the broker does not answer', async () => {
    const silent = createServer((socket) => socket.on('data', () => {}))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => {
      silent.close()
    })
    const port = (silent.address() as { port: number }).port
    const client = connector({ requestTimeoutMs: 50 }).connect(1, {
      name: 'client',
      host: '127.0.0.1',
      port,
    })
    const error = await rejection(client.listOffsets({ topic: 't', partition: 0, timestamp: -1 }))
    expect(error.code).toBe(ErrorCode.RequestTimedOut)
    expect(error.retriable).toBe(true)
    await client.close()
  })

  it('closes gracefully: stops accepting and lets a waiting fetch answer', async () => {
    const { handler, replicas } = await brokerWithTopic('t')
    const { endpoint, server } = await serve(handler)
    const client = connector().connect(1, endpoint)
    await client.produce(produceRequest('t', batchOf(['a'])))
    const waiting = client.fetch(fetchRequest('t', 1, { maxWaitMs: 600_000, minBytes: 1 }))
    await until(() => replicas.replica('t', 0)?.waiting === 1)
    const closing = server.close()
    await handler.close()
    const answered = await waiting
    expect(answered).toMatchObject({ errorCode: 0, highWatermark: 1 })
    await closing
    const late = connector().connect(1, endpoint)
    expect((await rejection(late.produce(produceRequest('t', batchOf(['b']))))).code).toBe(
      ErrorCode.NetworkException,
    )
  })
})
