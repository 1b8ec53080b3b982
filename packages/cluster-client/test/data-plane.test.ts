import { createServer, type Server, type Socket } from 'node:net'
import {
  Acks,
  ApiKey,
  type BrokerEndpoint,
  CONSUMER_REPLICA_ID,
  type DecodedRequest,
  decodeRequest,
  ErrorCode,
  encodeFetchResponse,
  encodeFrame,
  encodeGroupResponse,
  encodeListOffsetsResponse,
  encodeOffsetsForLeaderEpochResponse,
  encodeProduceResponse,
  errorToWire,
  FrameDecoder,
  type GroupRequestOf,
  groupErrorResponse,
  IsolationLevel,
  NO_ERROR,
  type OffsetsForLeaderEpochRequest,
  type ProduceRequest,
  TributaryError,
} from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { TcpDataPlaneConnector, type TcpDataPlaneOptions } from '../src/index.ts'

/** A request as the test broker received it, with the means to answer it. */
interface Received {
  readonly decoded: DecodedRequest
  readonly socket: Socket
  /** Sends the usual answer: produce offsets from the partition number, empty fetches. */
  readonly answer: () => void
}

/**
 * A broker stand-in on a real socket, speaking core's protocol: it decodes each request and
 * hands it to `onRequest`, which answers at once (the default) or holds it to answer later.
 */
async function testBroker(onRequest: (received: Received) => void = (r) => r.answer()) {
  const sockets = new Set<Socket>()
  const received: Received[] = []
  let connections = 0
  const server: Server = createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const decoder = new FrameDecoder()
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const decoded = decodeRequest(frame)
        const request = { decoded, socket, answer: () => socket.write(usualAnswer(decoded)) }
        received.push(request)
        onRequest(request)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint: BrokerEndpoint = {
    name: 'client',
    host: '127.0.0.1',
    port: (server.address() as { port: number }).port,
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  onTestFinished(stop)
  return {
    endpoint,
    received,
    sockets,
    get connections() {
      return connections
    },
    stop,
  }
}

function usualAnswer(decoded: DecodedRequest): Uint8Array {
  switch (decoded.apiKey) {
    case ApiKey.Produce:
      return encodeProduceResponse(decoded.correlationId, {
        ...NO_ERROR,
        baseOffset: decoded.request.partition * 10,
        logAppendTime: -1,
        logStartOffset: 0,
      })
    case ApiKey.Fetch:
      return encodeFetchResponse(decoded.correlationId, {
        ...NO_ERROR,
        highWatermark: decoded.request.fetchOffset,
        logStartOffset: 0,
        logEndOffset: decoded.request.fetchOffset,
        records: new Uint8Array(0),
      })
    case ApiKey.ListOffsets:
      return encodeListOffsetsResponse(decoded.correlationId, {
        ...NO_ERROR,
        offset: decoded.request.partition,
        highWatermark: 0,
        logStartOffset: 0,
      })
    case ApiKey.OffsetsForLeaderEpoch: {
      // A leader at epoch 7 whose epoch 6 ended at offset 100 × partition.
      const { request } = decoded
      if (request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch < 7) {
        const error = new TributaryError(ErrorCode.FencedLeaderEpoch, 'leader epoch is 7')
        return encodeOffsetsForLeaderEpochResponse(decoded.correlationId, {
          ...errorToWire(error),
          leaderEpoch: -1,
          endOffset: -1,
        })
      }
      return encodeOffsetsForLeaderEpochResponse(decoded.correlationId, {
        ...NO_ERROR,
        leaderEpoch: request.leaderEpoch,
        endOffset: request.partition * 100,
      })
    }
    case ApiKey.Group: {
      const { request } = decoded
      if (request.op !== 'committed') {
        const error = new TributaryError(ErrorCode.GroupIdNotFound, `no group for ${request.op}`)
        return encodeGroupResponse(decoded.correlationId, groupErrorResponse(error))
      }
      const offsets = [{ topic: 't', partition: 0, offset: 42, metadata: request.group }]
      return encodeGroupResponse(decoded.correlationId, { ok: true, result: { offsets } })
    }
  }
}

function connector(options: TcpDataPlaneOptions = {}) {
  const made = new TcpDataPlaneConnector(options)
  onTestFinished(() => made.close())
  return made
}

function produce(partition: number, acks: ProduceRequest['acks'] = Acks.Leader): ProduceRequest {
  return { topic: 't', partition, acks, timeoutMs: 1000, records: Uint8Array.of(partition) }
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

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1))
}

describe('TcpDataPlaneConnector', () => {
  it('pipelines requests on one connection and pairs responses by correlation id, in any order', async () => {
    const held: Received[] = []
    const count = 50
    const broker = await testBroker((request) => {
      held.push(request)
      // Answer only once every request is in, newest first.
      if (held.length === count) for (const r of held.reverse()) r.answer()
    })
    const client = connector().connect(1, broker.endpoint)
    const responses = await Promise.all(
      Array.from({ length: count }, (_, partition) => client.produce(produce(partition))),
    )
    expect(responses.map((response) => response.baseOffset)).toEqual(
      Array.from({ length: count }, (_, partition) => partition * 10),
    )
    expect(broker.connections).toBe(1)
    const ids = broker.received.map((r) => r.decoded.correlationId)
    expect(new Set(ids).size).toBe(count)
  })

  it('connects lazily, once per broker, and replaces the client when the endpoint changes', async () => {
    const broker = await testBroker()
    const other = await testBroker()
    const made = connector()
    const client = made.connect(1, broker.endpoint)
    expect(made.connect(1, { ...broker.endpoint })).toBe(client)
    // Given time to connect, an eager client would have: this one waits for a request.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(broker.connections).toBe(0)
    await client.listOffsets({ topic: 't', partition: 3, timestamp: -1 })
    await client.listOffsets({ topic: 't', partition: 4, timestamp: -1 })
    expect(broker.connections).toBe(1)

    const moved = made.connect(1, other.endpoint)
    expect(moved).not.toBe(client)
    expect((await moved.listOffsets({ topic: 't', partition: 5, timestamp: -1 })).offset).toBe(5)
    expect(other.connections).toBe(1)
    expect(client.closed).toBe(true)
  })

  it('resolves an acks=0 produce once written, with no response awaited', async () => {
    const broker = await testBroker((request) => {
      if (request.decoded.apiKey !== ApiKey.Produce || request.decoded.request.acks !== 0) {
        request.answer()
      }
    })
    const client = connector().connect(1, broker.endpoint)
    const response = await client.produce(produce(2, Acks.None))
    expect(response).toEqual({ ...NO_ERROR, baseOffset: -1, logAppendTime: -1, logStartOffset: -1 })
    // The next request's answer arrives; nothing waits for the acks=0 one.
    expect((await client.produce(produce(3))).baseOffset).toBe(30)
    expect(broker.received.map((r) => r.decoded.apiKey)).toEqual([ApiKey.Produce, ApiKey.Produce])
    expect(client.pendingCount).toBe(0)
  })

  it('rejects every pending request retriably when the connection drops, and reconnects on next use', async () => {
    const broker = await testBroker((request) => {
      if (request.decoded.apiKey !== ApiKey.Fetch) request.answer()
    })
    const client = connector().connect(1, broker.endpoint)
    const fetches = Array.from({ length: 3 }, (_, i) =>
      client.fetch({
        topic: 't',
        partition: 0,
        fetchOffset: i,
        maxBytes: 1024,
        maxWaitMs: 60_000,
        minBytes: 1,
        isolationLevel: IsolationLevel.ReadCommitted,
        replicaId: CONSUMER_REPLICA_ID,
        currentLeaderEpoch: -1,
      }),
    )
    await until(() => broker.received.length === 3)
    for (const socket of broker.sockets) socket.destroy()
    for (const fetch of fetches) {
      const error = await rejection(fetch)
      expect(error.code).toBe(ErrorCode.NetworkException)
      expect(error.retriable).toBe(true)
    }
    expect((await client.produce(produce(1))).baseOffset).toBe(10)
    expect(broker.connections).toBe(2)
  })

  it('fails retriably when nothing listens, and connects once something does', async () => {
    const broker = await testBroker()
    const { endpoint } = broker
    await broker.stop()
    const client = connector().connect(1, endpoint)
    const refused = await rejection(client.produce(produce(1)))
    expect(refused.code).toBe(ErrorCode.NetworkException)
    expect(refused.retriable).toBe(true)
    expect(refused.message).toContain(`127.0.0.1:${endpoint.port}`)
  })

  it('times out a request with REQUEST_TIMED_OUT, ignores its late answer and keeps the connection', async () => {
    const late: Received[] = []
    const broker = await testBroker((request) => {
      if (request.decoded.apiKey === ApiKey.ListOffsets) late.push(request)
      else request.answer()
    })
    const client = connector({ requestTimeoutMs: 50 }).connect(1, broker.endpoint)
    const error = await rejection(client.listOffsets({ topic: 't', partition: 0, timestamp: -1 }))
    expect(error.code).toBe(ErrorCode.RequestTimedOut)
    expect(error.retriable).toBe(true)
    late[0]?.answer()
    expect((await client.produce(produce(4))).baseOffset).toBe(40)
    expect(broker.connections).toBe(1)
  })

  it('gives a fetch its maxWaitMs on top of the request timeout', async () => {
    const broker = await testBroker((request) => {
      setTimeout(() => request.answer(), 300)
    })
    const client = connector({ requestTimeoutMs: 100 }).connect(1, broker.endpoint)
    const fetched = await client.fetch({
      topic: 't',
      partition: 0,
      fetchOffset: 7,
      maxBytes: 1024,
      maxWaitMs: 10_000,
      minBytes: 1,
      isolationLevel: IsolationLevel.ReadCommitted,
      replicaId: CONSUMER_REPLICA_ID,
      currentLeaderEpoch: -1,
    })
    expect(fetched.highWatermark).toBe(7)
  })

  it('fails the connection on a response it cannot decode', async () => {
    const broker = await testBroker((request) => {
      // A Produce response frame whose body is cut short.
      const header = { apiKey: ApiKey.Produce, apiVersion: 0 }
      request.socket.write(
        encodeFrame({ ...header, correlationId: request.decoded.correlationId }, Uint8Array.of(0)),
      )
    })
    const client = connector().connect(1, broker.endpoint)
    const error = await rejection(client.produce(produce(1)))
    expect(error.code).toBe(ErrorCode.NetworkException)
  })

  it('carries Group requests as JSON beside the binary APIs, coordinator errors as data', async () => {
    const broker = await testBroker()
    const client = connector().connect(1, broker.endpoint)
    const request: GroupRequestOf<'committed'> = {
      op: 'committed',
      group: 'g',
      instance: null,
      partitions: [{ topic: 't', partition: 0 }],
    }
    const [committed, produced, missing] = await Promise.all([
      client.group(request),
      client.produce(produce(2)),
      client.group({ op: 'describeGroup', group: 'nope' }),
    ])
    expect(committed).toEqual({
      ok: true,
      result: { offsets: [{ topic: 't', partition: 0, offset: 42, metadata: 'g' }] },
    })
    expect(produced.baseOffset).toBe(20)
    expect(missing).toEqual({
      ok: false,
      error: { code: ErrorCode.GroupIdNotFound, message: 'no group for describeGroup' },
    })
    const received = broker.received.find((r) => r.decoded.apiKey === ApiKey.Group)
    expect(received?.decoded.request).toEqual(request)
    expect(broker.connections).toBe(1)
  })

  it('asks OffsetsForLeaderEpoch beside other requests, a fenced epoch coming back as data', async () => {
    const broker = await testBroker()
    const client = connector().connect(1, broker.endpoint)
    const asked: OffsetsForLeaderEpochRequest = {
      topic: 't',
      partition: 3,
      replicaId: 2,
      currentLeaderEpoch: 7,
      leaderEpoch: 6,
    }
    const [answered, produced, fenced] = await Promise.all([
      client.offsetsForLeaderEpoch(asked),
      client.produce(produce(2)),
      client.offsetsForLeaderEpoch({ ...asked, partition: 4, currentLeaderEpoch: 5 }),
    ])
    expect(answered).toEqual({ ...NO_ERROR, leaderEpoch: 6, endOffset: 300 })
    expect(produced.baseOffset).toBe(20)
    expect(fenced).toEqual({
      errorCode: 74,
      errorMessage: 'leader epoch is 7',
      leaderEpoch: -1,
      endOffset: -1,
    })
    const received = broker.received.find((r) => r.decoded.apiKey === ApiKey.OffsetsForLeaderEpoch)
    expect(received?.decoded.request).toEqual(asked)
    expect(broker.connections).toBe(1)
  })

  it('rejects pending requests on close and refuses later ones', async () => {
    const broker = await testBroker(() => {})
    const made = connector()
    const client = made.connect(1, broker.endpoint)
    const pending = client.produce(produce(1))
    await until(() => broker.received.length === 1)
    await client.close()
    expect((await rejection(pending)).code).toBe(ErrorCode.NetworkException)
    const refused = await rejection(client.produce(produce(2)))
    expect(refused.code).toBe(ErrorCode.NetworkException)
    expect(refused.retriable).toBe(false)
    expect(made.connect(1, broker.endpoint)).not.toBe(client)
  })
})
