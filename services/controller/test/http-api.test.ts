import { HttpControllerClient, HttpMetadataReader } from '@tributary/cluster-client'
import {
  createMemoryLogger,
  ErrorCode,
  MetadataFollower,
  type MetadataLog,
  TributaryError,
} from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { addBroker, eventually, startController } from './harness.ts'
import { serveController } from './serve.ts'

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('controller HTTP API', () => {
  it('serves admin commands to HttpControllerClient; errors come back as TributaryErrors', async () => {
    const { controller, log } = await startController()
    const { url } = await serveController(controller)
    const client = new HttpControllerClient({ url })

    const registered = await client.registerBroker({
      brokerId: 1,
      incarnationId: 'one',
      endpoints: [{ name: 'client', host: '127.0.0.1', port: 9092 }],
    })
    expect(registered.brokerEpoch).toBe(await log.lastOffset())
    expect(
      await client.brokerHeartbeat({
        brokerId: 1,
        brokerEpoch: registered.brokerEpoch,
        metadataOffset: registered.metadataOffset,
      }),
    ).toEqual({ fenced: false })

    const created = await client.createTopic({
      name: 'orders',
      partitions: 2,
      replicationFactor: 1,
      configs: { 'retention.ms': '1000' },
    })
    expect(created).toEqual({ metadataOffset: await log.lastOffset() })
    expect(controller.image.topic('orders')?.partitions).toHaveLength(2)
    await client.createPartitions({ name: 'orders', totalCount: 3 })
    await client.alterTopicConfigs({ name: 'orders', set: {}, remove: ['retention.ms'] })
    expect(controller.image.topic('orders')?.partitions).toHaveLength(3)
    expect(controller.image.topic('orders')?.configs).toEqual({})

    const exists = await client
      .createTopic({ name: 'orders', partitions: 1, replicationFactor: 1 })
      .catch((e: unknown) => e)
    expect(exists).toBeInstanceOf(TributaryError)
    expect(exists).toMatchObject({ code: ErrorCode.TopicAlreadyExists, retriable: false })
    await expect(client.createPartitions({ name: 'orders', totalCount: 1 })).rejects.toMatchObject({
      code: ErrorCode.InvalidPartitions,
    })
    await expect(
      client.brokerHeartbeat({ brokerId: 1, brokerEpoch: 0, metadataOffset: 0 }),
    ).rejects.toMatchObject({ code: ErrorCode.StaleBrokerEpoch })
    await expect(client.deleteTopic('..')).rejects.toMatchObject({ code: ErrorCode.InvalidTopic })
    expect(await client.deleteTopic('orders')).toEqual({ metadataOffset: await log.lastOffset() })
    await expect(client.deleteTopic('orders')).rejects.toMatchObject({
      code: ErrorCode.UnknownTopicOrPartition,
    })
  })

  it('serves AlterPartition to HttpControllerClient; refusals come back with their codes', async () => {
    const { controller, log } = await startController()
    const epoch1 = await addBroker(controller, 1)
    const epoch2 = await addBroker(controller, 2)
    const { url } = await serveController(controller)
    const client = new HttpControllerClient({ url })
    await client.createTopic({ name: 'r', partitions: 1, replicationFactor: 2 })
    const topicId = controller.image.topic('r')?.topicId ?? ''
    const ask = { brokerId: 1, brokerEpoch: epoch1, topicId, partition: 0, leaderEpoch: 0 }

    const shrunk = await client.alterPartition({ ...ask, partitionEpoch: 0, isr: [1] })
    expect(shrunk).toEqual({
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 1,
      isr: [1],
      metadataOffset: await log.lastOffset(),
    })
    expect(controller.image.partition('r', 0)?.isr).toEqual([1])

    const refusals: [Promise<unknown>, string][] = [
      [
        client.alterPartition({ ...ask, partitionEpoch: 0, isr: [1, 2] }),
        ErrorCode.InvalidUpdateVersion,
      ],
      [
        client.alterPartition({
          ...ask,
          brokerId: 2,
          brokerEpoch: epoch2,
          partitionEpoch: 1,
          isr: [2],
        }),
        ErrorCode.NotLeaderOrFollower,
      ],
      [
        client.alterPartition({ ...ask, brokerEpoch: 0, partitionEpoch: 1, isr: [1] }),
        ErrorCode.StaleBrokerEpoch,
      ],
      [
        client.alterPartition({ ...ask, topicId: 'nope', partitionEpoch: 1, isr: [1] }),
        ErrorCode.UnknownTopicOrPartition,
      ],
    ]
    for (const [promise, code] of refusals) {
      const error = await promise.then(
        () => expect.unreachable('expected a refusal'),
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(TributaryError)
      expect(error).toMatchObject({ code })
    }
    expect(controller.image.partition('r', 0)?.partitionEpoch).toBe(1)
  })

  it('maps error codes to HTTP statuses and answers ErrorData bodies', async () => {
    const { controller } = await startController()
    await addBroker(controller, 1)
    const { url } = await serveController(controller)
    const topic = { name: 't', partitions: 1, replicationFactor: 1 }
    const created = await fetch(`${url}/v1/topics`, json(topic))
    expect(created.status).toBe(201)
    const cases: [Promise<Response>, number, string][] = [
      [fetch(`${url}/v1/topics`, json(topic)), 409, ErrorCode.TopicAlreadyExists],
      [
        fetch(`${url}/v1/topics/nope`, { method: 'DELETE' }),
        404,
        ErrorCode.UnknownTopicOrPartition,
      ],
      [fetch(`${url}/v1/topics`, json({ ...topic, name: 'a b' })), 400, ErrorCode.InvalidTopic],
      [
        fetch(`${url}/v1/topics`, json({ ...topic, partitions: '1' })),
        400,
        ErrorCode.InvalidRequest,
      ],
      [fetch(`${url}/v1/topics`, { ...json(null), body: '{' }), 400, ErrorCode.InvalidRequest],
      [
        fetch(`${url}/v1/topics/t/partitions`, json({ totalCount: 1 })),
        400,
        ErrorCode.InvalidPartitions,
      ],
      [
        fetch(`${url}/v1/topics/t/partitions`, json({ name: 'u', totalCount: 2 })),
        400,
        ErrorCode.InvalidRequest,
      ],
      [
        fetch(`${url}/v1/topics/t/configs`, json({ set: { x: '1' } })),
        400,
        ErrorCode.InvalidConfig,
      ],
      [
        fetch(`${url}/v1/brokers/x/heartbeat`, json({ brokerEpoch: 0, metadataOffset: 0 })),
        400,
        ErrorCode.InvalidRequest,
      ],
      [
        fetch(`${url}/v1/brokers/9/heartbeat`, json({ brokerEpoch: 0, metadataOffset: 0 })),
        500,
        ErrorCode.StaleBrokerEpoch,
      ],
      [
        fetch(`${url}/v1/brokers/x/alter-partition`, json({ isr: [1] })),
        400,
        ErrorCode.InvalidRequest,
      ],
      [
        fetch(
          `${url}/v1/brokers/1/alter-partition`,
          json({ brokerId: 1, brokerEpoch: 0, topicId: 't', partition: 0 }),
        ),
        400,
        ErrorCode.InvalidRequest,
      ],
      [fetch(`${url}/v1/metadata?from=-1`), 400, ErrorCode.InvalidRequest],
      [fetch(`${url}/v1/metadata?wait=600000`), 400, ErrorCode.InvalidRequest],
      [fetch(`${url}/v1/nothing`), 404, ErrorCode.InvalidRequest],
      [
        fetch(`${url}/v1/topics`, { ...json(null), body: 'x'.repeat(2 * 1024 * 1024) }),
        413,
        ErrorCode.InvalidRequest,
      ],
    ]
    for (const [response, status, code] of cases) {
      const answer = await response
      const body = (await answer.json()) as Record<string, unknown>
      expect({ status: answer.status, code: body.code }).toEqual({ status, code })
      expect(Object.keys(body).sort()).toEqual(['code', 'message', 'retriable'])
    }
  })

  it('answers an unexpected failure as a bare 500 UNKNOWN_SERVER_ERROR, logging it', async () => {
    const faulty = (log: MetadataLog): MetadataLog => ({
      append: (records, options) => log.append(records, options),
      read: async () => {
        throw new Error('disk on fire under /var/secret/metadata.sqlite')
      },
      lastOffset: () => log.lastOffset(),
      follow: (from, onEntry, onError) => log.follow(from, onEntry, onError),
      close: () => log.close(),
    })
    const { controller } = await startController({ wrapLog: faulty })
    const logger = createMemoryLogger()
    const { url } = await serveController(controller, { logger })
    const response = await fetch(`${url}/v1/metadata?from=0`)
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({
      code: ErrorCode.UnknownServerError,
      message: 'internal error',
      retriable: false,
    })
    expect(text).not.toMatch(/secret|fire|at /)
    expect(logger.entries.some((entry) => entry.level === 'error')).toBe(true)
  })

  it('a standby answers 503 NOT_CONTROLLER; a client given every controller finds the active one', async () => {
    const active = await startController()
    await addBroker(active.controller, 1)
    const standby = await startController({
      dir: active.dir,
      nodeId: 'controller-2',
      active: false,
    })
    const activeServer = await serveController(active.controller)
    const standbyServer = await serveController(standby.controller)

    const refused = await fetch(
      `${standbyServer.url}/v1/topics`,
      json({ name: 't', partitions: 1, replicationFactor: 1 }),
    )
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    await expect(
      new HttpControllerClient({ url: standbyServer.url }).deleteTopic('t'),
    ).rejects.toMatchObject({ code: ErrorCode.NotController, retriable: true })

    const unreachable = 'http://127.0.0.1:1'
    const client = new HttpControllerClient({
      url: [unreachable, standbyServer.url, activeServer.url],
    })
    const { metadataOffset } = await client.createTopic({
      name: 't',
      partitions: 1,
      replicationFactor: 1,
    })
    expect(active.controller.image.offset).toBe(metadataOffset)
    await expect(
      new HttpControllerClient({ url: unreachable }).deleteTopic('t'),
    ).rejects.toMatchObject({
      code: ErrorCode.NotController,
      retriable: true,
      message: /unreachable/,
    })
  })

  it('serves /health and /metrics (a registry per app)', async () => {
    const { controller } = await startController()
    await addBroker(controller, 1)
    const { url } = await serveController(controller)
    const second = await serveController(controller)
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({
      status: 'ok',
      active: true,
      controllerEpoch: controller.controllerEpoch,
      metadataOffset: controller.image.offset,
    })
    for (const base of [url, second.url]) {
      const metrics = await fetch(`${base}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/)
      const text = await metrics.text()
      expect(text).toMatch(/^tributary_controller_active 1$/m)
      expect(text).toMatch(/^tributary_controller_brokers\{state="unfenced"\} 1$/m)
      expect(text).toMatch(/^tributary_controller_metadata_offset \d+$/m)
    }
    const again = await (await fetch(`${url}/metrics`)).text()
    expect(again).toMatch(
      /^tributary_controller_http_requests_total\{method="GET",route="\/health",status="200"\} 1$/m,
    )
    expect(again).toMatch(
      /^tributary_controller_http_requests_total\{method="GET",route="\/metrics",status="200"\} 1$/m,
    )
  })
})

describe('HttpMetadataReader against the controller', () => {
  it('reads the log page by page, and follows admin changes live into a MetadataFollower', async () => {
    const { controller, log } = await startController()
    const { url } = await serveController(controller)
    await addBroker(controller, 1)
    await addBroker(controller, 2)
    const reader = new HttpMetadataReader({ url, pageEntries: 2 })
    expect(await reader.read(0)).toEqual(await log.read(0))
    expect(await reader.read(1, 3)).toEqual(await log.read(1, 3))
    expect(await reader.lastOffset()).toBe(await log.lastOffset())

    const follower = new MetadataFollower()
    const errors: unknown[] = []
    follower.start(new HttpMetadataReader({ url, pollWaitMs: 5_000 }), (e) => errors.push(e))
    try {
      await follower.waitFor(await log.lastOffset())
      const client = new HttpControllerClient({ url })
      const { metadataOffset } = await client.createTopic({
        name: 'live',
        partitions: 4,
        replicationFactor: 1,
      })
      await follower.waitFor(metadataOffset)
      expect(follower.image.topic('live')?.partitions.map((p) => p.leader)).toEqual([1, 2, 1, 2])
      expect(follower.image.snapshot()).toEqual(controller.image.snapshot())
      expect(errors).toEqual([])
    } finally {
      follower.stop()
    }
  })

  it('a long-poll waits for the next entry and answers as soon as it lands', async () => {
    const { controller, log } = await startController()
    await addBroker(controller, 1)
    const { url } = await serveController(controller)
    const next = (await log.lastOffset()) + 1
    const empty = await (await fetch(`${url}/v1/metadata?from=${next}&wait=50`)).json()
    expect(empty).toEqual({ entries: [], lastOffset: next - 1 })

    // Longer than the test's timeout: only an answer on landing can pass.
    const poll = fetch(`${url}/v1/metadata?from=${next}&wait=60000`)
    await eventually(() => controller.waitingReads === 1)
    await controller.createTopic({ name: 'landed', partitions: 1, replicationFactor: 1 })
    const page = (await (await poll).json()) as {
      entries: { offset: number }[]
      lastOffset: number
    }
    expect(page.entries[0]).toMatchObject({
      offset: next,
      record: { type: 'topic', name: 'landed' },
    })
    expect(page.lastOffset).toBe(await log.lastOffset())
    expect(controller.waitingReads).toBe(0)
  })

  it('follow retries with backoff through an outage and delivers each entry once, in order', async () => {
    const { controller, log } = await startController()
    await addBroker(controller, 1)
    const first = await serveController(controller)
    const reader = new HttpMetadataReader({
      url: first.url,
      pollWaitMs: 1_000,
      retryInitialMs: 5,
      retryMaxMs: 20,
    })
    const offsets: number[] = []
    const errors: unknown[] = []
    const subscription = reader.follow(
      0,
      (entry) => offsets.push(entry.offset),
      (error) => errors.push(error),
    )
    try {
      await eventually(async () => offsets.at(-1) === (await log.lastOffset()))
      await first.kill()
      const { metadataOffset } = await controller.createTopic({
        name: 'during-outage',
        partitions: 2,
        replicationFactor: 1,
      })
      await eventually(() => errors.length >= 2)
      await serveController(controller, { port: first.port })
      await eventually(() => offsets.at(-1) === metadataOffset)
      expect(offsets).toEqual(Array.from({ length: metadataOffset + 1 }, (_, i) => i))
      expect(errors[0]).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    } finally {
      subscription.close()
    }
  })

  it('close() ends a waiting long-poll at once and delivers nothing more', async () => {
    const { controller, log } = await startController()
    const server = await serveController(controller)
    const reader = new HttpMetadataReader({ url: server.url, pollWaitMs: 60_000 })
    const seen: number[] = []
    const subscription = reader.follow(0, (entry) => seen.push(entry.offset))
    // The log holds the cluster record and the term's no-op; then the reader waits for more.
    await eventually(() => seen.length === 2 && controller.waitingReads === 1)
    subscription.close()
    await eventually(() => controller.waitingReads === 0)

    await addBroker(controller, 1)
    const later: number[] = []
    const second = reader.follow(0, (entry) => later.push(entry.offset))
    await eventually(async () => later.at(-1) === (await log.lastOffset()))
    second.close()
    expect(seen).toEqual([0, 1])
    // No request is left open: the server closes without waiting out the 60 s poll.
    await server.close()
  })
})
