import { randomUUID } from 'node:crypto'
import type { NatsConnection } from '@nats-io/nats-core'
import {
  type ControllerClient,
  type ControllerOperation,
  ErrorCode,
  natsNames,
  TributaryError,
} from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { type ControllerReply, NatsControllerClient, serveController } from '../src/index.ts'
import { natsServerPerFile } from './nats-server.ts'

/**
 * One nats-server for this file (the package's test harness; request/reply needs no JetStream,
 * which it also starts). Every test uses its own cluster id, so none sees another's subjects.
 */
const nats = natsServerPerFile()

async function connection(): Promise<NatsConnection> {
  const nc = await nats().connect()
  onTestFinished(() => nc.close())
  return nc
}

function clusterId(): string {
  return `rpc-${randomUUID()}`
}

/**
 * A stand-in for the controller. The real Controller lives in services/controller, which this
 * package may not import (services depend on packages, not the reverse); what is tested here is
 * the transport, so a fake that records each call and answers as the test scripts is enough.
 * The real controller over NATS is exercised by the cluster tests in `test/`.
 */
interface Call {
  readonly operation: ControllerOperation
  readonly request: unknown
}
type Script = (call: Call, index: number) => unknown

const results: Record<ControllerOperation, unknown> = {
  createTopic: { metadataOffset: 1 },
  deleteTopic: { metadataOffset: 2 },
  createPartitions: { metadataOffset: 3 },
  alterTopicConfigs: { metadataOffset: 4 },
  registerBroker: { metadataOffset: 5, brokerEpoch: 50 },
  brokerHeartbeat: { fenced: true },
  alterPartition: { leader: 1, leaderEpoch: 2, partitionEpoch: 7, isr: [1, 3], metadataOffset: 6 },
}

function fakeController(script: Script = (call) => results[call.operation]) {
  const calls: Call[] = []
  const handle = async (operation: ControllerOperation, request: unknown) => {
    calls.push({ operation, request })
    return script({ operation, request }, calls.length - 1)
  }
  const controller = {
    createTopic: (request) => handle('createTopic', request),
    deleteTopic: (name) => handle('deleteTopic', name),
    createPartitions: (request) => handle('createPartitions', request),
    alterTopicConfigs: (request) => handle('alterTopicConfigs', request),
    registerBroker: (request) => handle('registerBroker', request),
    brokerHeartbeat: (request) => handle('brokerHeartbeat', request),
    alterPartition: (request) => handle('alterPartition', request),
  } as ControllerClient
  return { controller, calls }
}

/** Serves `controller` for `id` on its own connection; stopped when the test ends. */
async function serve(id: string, controller: ControllerClient) {
  const served = serveController(await connection(), id, controller)
  onTestFinished(() => served.stop())
  return served
}

async function failure(promise: Promise<unknown>): Promise<TributaryError> {
  const error = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TributaryError)
  return error as TributaryError
}

describe('controller requests over NATS', () => {
  it('round-trips every operation, with the request as the schema parsed it', async () => {
    const id = clusterId()
    const { controller, calls } = fakeController()
    await serve(id, controller)
    const client = new NatsControllerClient(await connection(), id)

    expect(await client.createTopic({ name: 't', partitions: 3, replicationFactor: 1 })).toEqual(
      results.createTopic,
    )
    expect(await client.deleteTopic('t')).toEqual(results.deleteTopic)
    expect(await client.createPartitions({ name: 't', totalCount: 6 })).toEqual(
      results.createPartitions,
    )
    expect(await client.alterTopicConfigs({ name: 't', set: { 'retention.ms': '1000' } })).toEqual(
      results.alterTopicConfigs,
    )
    const endpoint = { name: 'client', host: 'localhost', port: 9092 }
    expect(
      await client.registerBroker({ brokerId: 1, incarnationId: 'i-1', endpoints: [endpoint] }),
    ).toEqual(results.registerBroker)
    expect(
      await client.brokerHeartbeat({ brokerId: 1, brokerEpoch: 50, metadataOffset: 5 }),
    ).toEqual(results.brokerHeartbeat)
    const alter = {
      brokerId: 1,
      brokerEpoch: 50,
      topicId: 'id-t',
      partition: 2,
      leaderEpoch: 2,
      partitionEpoch: 6,
      isr: [1, 3],
    }
    expect(await client.alterPartition(alter)).toEqual(results.alterPartition)

    expect(calls).toEqual([
      {
        operation: 'createTopic',
        request: {
          name: 't',
          partitions: 3,
          replicationFactor: 1,
          configs: {},
          validateOnly: false,
        },
      },
      { operation: 'deleteTopic', request: 't' },
      { operation: 'createPartitions', request: { name: 't', totalCount: 6 } },
      {
        operation: 'alterTopicConfigs',
        request: { name: 't', set: { 'retention.ms': '1000' }, remove: [], validateOnly: false },
      },
      {
        operation: 'registerBroker',
        request: { brokerId: 1, incarnationId: 'i-1', endpoints: [endpoint], rack: null },
      },
      {
        operation: 'brokerHeartbeat',
        request: { brokerId: 1, brokerEpoch: 50, metadataOffset: 5 },
      },
      { operation: 'alterPartition', request: alter },
    ])
  })

  it("answers the controller's errors with their code and retriability, once", async () => {
    const id = clusterId()
    const { controller, calls } = fakeController((call) => {
      if (call.operation === 'createTopic') {
        throw new TributaryError(ErrorCode.TopicAlreadyExists, "topic 't' already exists")
      }
      if (call.operation === 'createPartitions') {
        throw new TributaryError(ErrorCode.InvalidPartitions, 'not now', { retriable: true })
      }
      if (call.operation === 'alterPartition') {
        const { partitionEpoch } = call.request as { partitionEpoch: number }
        if (partitionEpoch === 0) throw new TributaryError(ErrorCode.FencedLeaderEpoch, 'fenced')
        return { metadataOffset: 3, leader: 1 } // no epochs, no ISR: not an AlterPartitionResult
      }
      throw new Error('disk on fire at /var/lib/secret')
    })
    await serve(id, controller)
    const client = new NatsControllerClient(await connection(), id)

    const exists = await failure(
      client.createTopic({ name: 't', partitions: 1, replicationFactor: 1 }),
    )
    expect(exists).toMatchObject({
      code: ErrorCode.TopicAlreadyExists,
      message: "topic 't' already exists",
      retriable: false,
    })
    const partitions = await failure(client.createPartitions({ name: 't', totalCount: 2 }))
    expect(partitions).toMatchObject({ code: ErrorCode.InvalidPartitions, retriable: true })
    const unknown = await failure(client.deleteTopic('t'))
    expect(unknown.code).toBe(ErrorCode.UnknownServerError)
    expect(unknown.message).not.toContain('secret')
    const alter = {
      brokerId: 1,
      brokerEpoch: 1,
      topicId: 'id-t',
      partition: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      isr: [1],
    }
    expect(await failure(client.alterPartition(alter))).toMatchObject({
      code: ErrorCode.FencedLeaderEpoch,
      message: 'fenced',
      retriable: true,
    })
    expect(await failure(client.alterPartition({ ...alter, partitionEpoch: 1 }))).toMatchObject({
      code: ErrorCode.UnknownServerError,
      message: /wrong shape/,
    })
    expect(calls).toHaveLength(5)
  })

  it('waits through a failover: a request sent before anyone serves is answered', async () => {
    const id = clusterId()
    const clientConnection = await connection()
    const client = new NatsControllerClient(clientConnection, id, { requestTimeoutMs: 20_000 })
    const answer = client.deleteTopic('t')
    // Two requests out means the first found no responders and the client asked again.
    await vi.waitFor(() => expect(clientConnection.stats().outMsgs).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
    })
    const { controller, calls } = fakeController()
    await serve(id, controller)
    expect(await answer).toEqual(results.deleteTopic)
    expect(calls).toEqual([{ operation: 'deleteTopic', request: 't' }])
  })

  it('asks again past a controller that gets requests but never answers (paused past its lease)', async () => {
    const id = clusterId()
    // The paused one: subscribed, silent.
    const paused = await connection()
    const heard: string[] = []
    paused.subscribe(natsNames(id).controllerSubjects, {
      callback: (_, msg) => {
        heard.push(msg.subject)
      },
    })
    await paused.flush()
    const client = new NatsControllerClient(await connection(), id, {
      requestTimeoutMs: 10_000,
      attemptTimeoutMs: 200,
    })
    const answer = client.brokerHeartbeat({ brokerId: 1, brokerEpoch: 2, metadataOffset: 3 })
    await vi.waitFor(() => expect(heard.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 })
    const { controller, calls } = fakeController()
    await serve(id, controller)
    expect(await answer).toEqual(results.brokerHeartbeat)
    expect(calls).toHaveLength(1)
  })

  it('asks again when the controller answers NOT_CONTROLLER', async () => {
    const id = clusterId()
    const { controller, calls } = fakeController((call, index) => {
      if (index < 2) throw new TributaryError(ErrorCode.NotController, 'a standby')
      return results[call.operation]
    })
    await serve(id, controller)
    const client = new NatsControllerClient(await connection(), id)
    expect(
      await client.brokerHeartbeat({ brokerId: 2, brokerEpoch: 1, metadataOffset: 0 }),
    ).toEqual(results.brokerHeartbeat)
    expect(calls).toHaveLength(3)
  })

  it('gives up at the deadline with a retriable NOT_CONTROLLER while only standbys answer', async () => {
    const id = clusterId()
    const { controller, calls } = fakeController(() => {
      throw new TributaryError(ErrorCode.NotController, 'a standby')
    })
    await serve(id, controller)
    const client = new NatsControllerClient(await connection(), id, { requestTimeoutMs: 300 })
    const error = await failure(client.deleteTopic('t'))
    expect(error).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    expect(calls.length).toBeGreaterThan(1)
  })

  it('stops answering after stop(), and finishes what it had started', async () => {
    const id = clusterId()
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const { controller, calls } = fakeController(async (call) => {
      await released
      return results[call.operation]
    })
    const served = await serve(id, controller)
    const client = new NatsControllerClient(await connection(), id, { requestTimeoutMs: 500 })

    const inFlight = client.deleteTopic('t')
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 10_000 })
    const stopped = served.stop()
    release()
    expect(await inFlight).toEqual(results.deleteTopic)
    await stopped

    const error = await failure(client.deleteTopic('u'))
    expect(error).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    expect(calls).toHaveLength(1)
  })

  it('is REQUEST_TIMED_OUT, without asking again, when the controller does not answer in time', async () => {
    const id = clusterId()
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const { controller, calls } = fakeController(async (call) => {
      await released
      return results[call.operation]
    })
    await serve(id, controller)
    const client = new NatsControllerClient(await connection(), id, { requestTimeoutMs: 300 })
    const error = await failure(client.deleteTopic('t'))
    release()
    expect(error).toMatchObject({ code: ErrorCode.RequestTimedOut, retriable: true })
    expect(calls).toHaveLength(1)
  })

  it('answers a malformed request INVALID_REQUEST without calling the controller', async () => {
    const id = clusterId()
    const names = natsNames(id)
    const { controller, calls } = fakeController()
    await serve(id, controller)
    const raw = await connection()
    const ask = async (subject: string, body: string) =>
      (await raw.request(subject, body, { timeout: 10_000 })).json<ControllerReply>()

    const createTopic = names.controllerSubject('createTopic')
    for (const body of [
      'not json',
      '',
      JSON.stringify({ name: 't', partitions: 'three', replicationFactor: 1 }),
      JSON.stringify({ name: 't', partitions: 3, replicationFactor: 1, colour: 'red' }),
    ]) {
      const reply = await ask(createTopic, body)
      expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } })
    }
    const deleteTopic = await ask(names.controllerSubject('deleteTopic'), JSON.stringify('t'))
    expect(deleteTopic).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } })
    const noIsr = { brokerId: 1, brokerEpoch: 1, topicId: 't', partition: 0, leaderEpoch: 0 }
    for (const body of [noIsr, { ...noIsr, partitionEpoch: 0, isr: [] }]) {
      const reply = await ask(names.controllerSubject('alterPartition'), JSON.stringify(body))
      expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } })
    }
    const unknownOperation = names.controllerSubjects.replace('*', 'dropEverything')
    const unknown = await ask(unknownOperation, '{}')
    expect(unknown).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidRequest } })
    expect(calls).toEqual([])
  })

  it('keeps two clusters on one NATS apart', async () => {
    const [a, b, c] = [clusterId(), clusterId(), clusterId()]
    const fakeA = fakeController(() => ({ metadataOffset: 100 }))
    const fakeB = fakeController(() => ({ metadataOffset: 200 }))
    await serve(a, fakeA.controller)
    await serve(b, fakeB.controller)
    const nc = await connection()

    expect(await new NatsControllerClient(nc, a).deleteTopic('x')).toEqual({ metadataOffset: 100 })
    expect(await new NatsControllerClient(nc, b).deleteTopic('y')).toEqual({ metadataOffset: 200 })
    expect(fakeA.calls).toEqual([{ operation: 'deleteTopic', request: 'x' }])
    expect(fakeB.calls).toEqual([{ operation: 'deleteTopic', request: 'y' }])

    const nobody = new NatsControllerClient(nc, c, { requestTimeoutMs: 200 })
    const error = await failure(nobody.deleteTopic('z'))
    expect(error).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    expect(fakeA.calls).toHaveLength(1)
    expect(fakeB.calls).toHaveLength(1)
  })
})
