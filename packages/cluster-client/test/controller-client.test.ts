import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ErrorCode, type MetadataLogEntry, TributaryError } from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { HttpControllerClient, HttpMetadataReader } from '../src/index.ts'

/**
 * The transport's edge cases against a real HTTP server on a real socket that answers what each
 * test scripts (the controller itself is exercised end to end in services/controller's tests).
 */
interface Seen {
  readonly method: string
  readonly url: string
  readonly body: unknown
}
type Answer = { status: number; json?: unknown; text?: string } | 'hang'

async function scriptedServer(answer: (request: Seen, index: number) => Answer) {
  const seen: Seen[] = []
  const server = createServer(async (req: IncomingMessage, res) => {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    const request = {
      method: req.method ?? '',
      url: req.url ?? '',
      body: text.length > 0 ? JSON.parse(text) : undefined,
    }
    seen.push(request)
    const reply = answer(request, seen.length - 1)
    if (reply === 'hang') return
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '')
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

/** A port nothing listens on: a server's, after it closed. */
async function closedPort(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

async function failure(promise: Promise<unknown>): Promise<TributaryError> {
  const error = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TributaryError)
  return error as TributaryError
}

const entry = (offset: number, record: unknown = { type: 'no-op' }) => ({
  offset,
  controllerEpoch: 1,
  timestamp: 1_700_000_000_000,
  record,
})

describe('HttpControllerClient', () => {
  it('sends each command to its route, the topic name in the path', async () => {
    const partitionState = { leader: 3, leaderEpoch: 2, partitionEpoch: 4, isr: [3, 1] }
    const { url, seen } = await scriptedServer((request) => {
      if (request.url.endsWith('/heartbeat')) return { status: 200, json: { fenced: true } }
      if (request.url.endsWith('/alter-partition')) {
        return { status: 200, json: { ...partitionState, metadataOffset: 8 } }
      }
      return { status: 200, json: { metadataOffset: 7, brokerEpoch: 5 } }
    })
    const client = new HttpControllerClient({ url: `${url}/` })
    expect(await client.createTopic({ name: 't', partitions: 1, replicationFactor: 1 })).toEqual({
      metadataOffset: 7,
    })
    await client.deleteTopic('t.x')
    await client.createPartitions({ name: 't', totalCount: 3 })
    await client.alterTopicConfigs({ name: 't', set: { 'retention.ms': '1' } })
    expect(await client.registerBroker({ brokerId: 3, incarnationId: 'i', endpoints: [] })).toEqual(
      { brokerEpoch: 5, metadataOffset: 7 },
    )
    expect(
      await client.brokerHeartbeat({ brokerId: 3, brokerEpoch: 5, metadataOffset: 6 }),
    ).toEqual({ fenced: true })
    const alter = { brokerEpoch: 5, topicId: 'id-t', partition: 1, leaderEpoch: 2 }
    expect(
      await client.alterPartition({ brokerId: 3, ...alter, partitionEpoch: 3, isr: [3, 1] }),
    ).toEqual({ ...partitionState, metadataOffset: 8 })
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/v1/topics',
        body: { name: 't', partitions: 1, replicationFactor: 1 },
      },
      { method: 'DELETE', url: '/v1/topics/t.x', body: undefined },
      { method: 'POST', url: '/v1/topics/t/partitions', body: { totalCount: 3 } },
      { method: 'POST', url: '/v1/topics/t/configs', body: { set: { 'retention.ms': '1' } } },
      {
        method: 'POST',
        url: '/v1/brokers',
        body: { brokerId: 3, incarnationId: 'i', endpoints: [] },
      },
      {
        method: 'POST',
        url: '/v1/brokers/3/heartbeat',
        body: { brokerEpoch: 5, metadataOffset: 6 },
      },
      {
        method: 'POST',
        url: '/v1/brokers/3/alter-partition',
        body: { ...alter, partitionEpoch: 3, isr: [3, 1] },
      },
    ])

    // A name no topic can have never leaves the process.
    for (const name of ['', '..', 'a/b']) {
      expect((await failure(client.deleteTopic(name))).code).toBe(ErrorCode.InvalidTopic)
    }
    expect(seen).toHaveLength(7)
  })

  it('turns answers into TributaryErrors: ErrorData as sent, anything else by status', async () => {
    const answers: Answer[] = [
      { status: 409, json: { code: 'TOPIC_ALREADY_EXISTS', message: 'exists', retriable: false } },
      { status: 500, json: { code: 'SOMETHING_NEW', message: 'new code', retriable: true } },
      { status: 503, text: '<html>bad gateway</html>' },
      { status: 500, text: '' },
      { status: 200, json: { unexpected: true } },
      { status: 200, text: 'not json' },
    ]
    const { url } = await scriptedServer((_, index) => answers[index] ?? { status: 500 })
    const client = new HttpControllerClient({ url })
    const create = () => client.createTopic({ name: 't', partitions: 1, replicationFactor: 1 })
    expect(await failure(create())).toMatchObject({
      code: ErrorCode.TopicAlreadyExists,
      message: 'exists',
      retriable: false,
    })
    expect(await failure(create())).toMatchObject({
      code: ErrorCode.UnknownServerError,
      retriable: true,
    })
    expect(await failure(create())).toMatchObject({
      code: ErrorCode.NotController,
      retriable: true,
      message: /HTTP 503/,
    })
    expect(await failure(create())).toMatchObject({
      code: ErrorCode.UnknownServerError,
      message: /HTTP 500/,
    })
    expect(await failure(create())).toMatchObject({ code: ErrorCode.UnknownServerError })
    expect(await failure(create())).toMatchObject({ code: ErrorCode.UnknownServerError })
  })

  it('refuses an AlterPartition answer without the partition state as UNKNOWN_SERVER_ERROR', async () => {
    const answers: Answer[] = [
      { status: 200, json: { metadataOffset: 1 } },
      { status: 200, json: { metadataOffset: 1, leader: 1, leaderEpoch: 0, partitionEpoch: 0 } },
      {
        status: 200,
        json: { metadataOffset: 1, leader: 1, leaderEpoch: 0, partitionEpoch: 0, isr: ['1'] },
      },
      {
        status: 500,
        json: { code: 'FENCED_LEADER_EPOCH', message: 'fenced', retriable: true },
      },
    ]
    const { url } = await scriptedServer((_, index) => answers[index] ?? { status: 500 })
    const client = new HttpControllerClient({ url })
    const alter = () =>
      client.alterPartition({
        brokerId: 1,
        brokerEpoch: 1,
        topicId: 'id',
        partition: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        isr: [1],
      })
    for (let i = 0; i < 3; i++) {
      expect(await failure(alter())).toMatchObject({
        code: ErrorCode.UnknownServerError,
        message: /no partition state/,
      })
    }
    expect(await failure(alter())).toMatchObject({
      code: ErrorCode.FencedLeaderEpoch,
      message: 'fenced',
      retriable: true,
    })
  })

  it('an unreachable controller is NOT_CONTROLLER (retriable); a silent one REQUEST_TIMED_OUT', async () => {
    const down = await closedPort()
    const unreachable = await failure(new HttpControllerClient({ url: down }).deleteTopic('t'))
    expect(unreachable).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    expect(unreachable.message).toContain(down)

    const { url } = await scriptedServer(() => 'hang')
    const silent = new HttpControllerClient({ url, requestTimeoutMs: 100 })
    expect(await failure(silent.deleteTopic('t'))).toMatchObject({
      code: ErrorCode.RequestTimedOut,
      retriable: true,
    })
  })

  it('moves on from a standby or an unreachable controller, then stays with the active one', async () => {
    const down = await closedPort()
    const standby = await scriptedServer(() => ({
      status: 503,
      json: { code: 'NOT_CONTROLLER', message: 'standby', retriable: true },
    }))
    const active = await scriptedServer(() => ({ status: 200, json: { metadataOffset: 1 } }))
    const client = new HttpControllerClient({ url: [down, standby.url, active.url] })
    await client.deleteTopic('a')
    await client.deleteTopic('b')
    expect(standby.seen).toHaveLength(1)
    expect(active.seen.map((s) => s.url)).toEqual(['/v1/topics/a', '/v1/topics/b'])

    const allStandby = new HttpControllerClient({ url: [down, standby.url] })
    expect(await failure(allStandby.deleteTopic('a'))).toMatchObject({
      code: ErrorCode.NotController,
      message: 'standby',
    })
    expect(() => new HttpControllerClient({ url: [] })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidConfig }),
    )
    expect(() => new HttpControllerClient({ url: 'not a url' })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidConfig }),
    )
  })
})

describe('HttpMetadataReader', () => {
  it('follow reports failed polls, retries, and delivers in order once', async () => {
    const answers: Answer[] = [
      { status: 200, json: { entries: [entry(0), entry(1)], lastOffset: 1 } },
      { status: 500, text: '' },
      { status: 200, json: { entries: [entry(3)], lastOffset: 3 } }, // a gap: refused
      { status: 200, json: { entries: [entry(2), entry(3)], lastOffset: 3 } },
    ]
    const { url, seen } = await scriptedServer(
      (_, index) => answers[index] ?? { status: 200, json: { entries: [], lastOffset: 3 } },
    )
    const reader = new HttpMetadataReader({ url, retryInitialMs: 1, retryMaxMs: 5, pollWaitMs: 7 })
    const delivered: MetadataLogEntry[] = []
    const errors: unknown[] = []
    const subscription = reader.follow(
      0,
      (e) => delivered.push(e),
      (e) => errors.push(e),
    )
    onTestFinished(() => subscription.close())
    while (delivered.length < 4) await new Promise((resolve) => setTimeout(resolve, 5))
    subscription.close()
    expect(delivered.map((e) => e.offset)).toEqual([0, 1, 2, 3])
    expect(errors).toHaveLength(2)
    expect(errors[1]).toMatchObject({ code: ErrorCode.UnknownServerError, message: /offset 3/ })
    expect(seen.slice(0, 4).map((s) => s.url)).toEqual([
      '/v1/metadata?from=0&max=1000&wait=7',
      '/v1/metadata?from=2&max=1000&wait=7',
      '/v1/metadata?from=2&max=1000&wait=7',
      '/v1/metadata?from=2&max=1000&wait=7',
    ])
  })

  it('a damaged record is refused with CORRUPT_MESSAGE and ends the subscription', async () => {
    const { url, seen } = await scriptedServer(() => ({
      status: 200,
      json: { entries: [entry(0), entry(1, { type: 'mystery' })], lastOffset: 1 },
    }))
    const reader = new HttpMetadataReader({ url, retryInitialMs: 1 })
    expect((await failure(reader.read(0))).code).toBe(ErrorCode.CorruptMessage)
    const errors: unknown[] = []
    let delivered = 0
    reader.follow(
      0,
      () => delivered++,
      (e) => errors.push(e),
    )
    while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const requests = seen.length
    // Round trips of our own give a live subscription (1 ms backoff) every chance to ask again.
    for (let i = 0; i < 5; i++) await reader.read(0).catch(() => {})
    expect(seen.length).toBe(requests + 5)
    expect(errors[0]).toMatchObject({ code: ErrorCode.CorruptMessage, retriable: false })
    expect(delivered).toBe(0)
  })

  it('read pages until it has all it asked for; lastOffset asks for no entries', async () => {
    const { url, seen } = await scriptedServer((request) => {
      const from = Number(new URL(request.url, 'http://x').searchParams.get('from'))
      const max = Number(new URL(request.url, 'http://x').searchParams.get('max'))
      const entries = []
      for (let offset = from; offset < Math.min(from + max, 5); offset++)
        entries.push(entry(offset))
      return { status: 200, json: { entries, lastOffset: 4 } }
    })
    const reader = new HttpMetadataReader({ url, pageEntries: 2 })
    expect((await reader.read(0)).map((e) => e.offset)).toEqual([0, 1, 2, 3, 4])
    expect((await reader.read(1, 3)).map((e) => e.offset)).toEqual([1, 2, 3])
    expect(await reader.read(2, 0)).toEqual([])
    const before = seen.length
    expect(await reader.lastOffset()).toBe(4)
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/v1/metadata?from=0&max=0&wait=0'])
  })
})
