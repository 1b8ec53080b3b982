import {
  type BrokerEndpoint,
  coordinatorPartition,
  type DataPlaneClient,
  type DataPlaneConnector,
  ErrorCode,
  type GroupRequest,
  type GroupResponse,
  OFFSETS_TOPIC,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import { describe, expect, test } from 'vitest'
import { resolveGatewayConfig } from '../src/config/index.ts'
import { CoordinatorClient, parseCreateConsumer, parseLastEventId } from '../src/consumers/index.ts'
import { type RestError, toRestError } from '../src/errors/index.ts'
import { LeaderRouter } from '../src/routing/index.ts'
import { startGateway } from './helpers/gateway.ts'

/*
 * The gateway's consumer pieces that need no coordinator: create-request parsing, Last-Event-ID,
 * and the coordinator client's topic creation and retries against a scripted data plane. The
 * root test/ workspace runs them against the real broker's coordinator.
 */

describe('consumer instance configs', () => {
  test('defaults are the REST Proxy’s, plus the extensions', () => {
    expect(parseCreateConsumer(undefined)).toEqual({
      name: null,
      config: {
        format: 'binary',
        autoOffsetReset: 'latest',
        autoCommit: true,
        fetchMinBytes: -1,
        requestTimeoutMs: null,
        sessionTimeoutMs: 45_000,
        ackTimeoutMs: null,
        assignor: 'sticky',
      },
    })
  })

  test('strings and booleans as the REST Proxy takes them; Kafka assignor class names', () => {
    const parsed = parseCreateConsumer({
      id: 'legacy',
      format: 'json',
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
      'fetch.min.bytes': '10',
      'consumer.request.timeout.ms': 5000,
      'session.timeout.ms': '10000',
      'ack.timeout.ms': 2000,
      'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor',
    })
    expect(parsed).toEqual({
      name: 'legacy',
      config: {
        format: 'json',
        autoOffsetReset: 'earliest',
        autoCommit: false,
        fetchMinBytes: 10,
        requestTimeoutMs: 5000,
        sessionTimeoutMs: 10_000,
        ackTimeoutMs: 2000,
        assignor: 'roundrobin',
      },
    })
    expect(parseCreateConsumer({ name: 'n', id: 'i', 'auto.commit.enable': true }).name).toBe('n')
  })

  test('a bad setting is 42204 naming it', () => {
    const refused = (body: object) => {
      try {
        parseCreateConsumer(body)
      } catch (error) {
        return error as RestError
      }
      throw new Error('accepted')
    }
    expect(refused({ format: 'protobuf' })).toMatchObject({ errorCode: 42204 })
    expect(refused({ 'auto.offset.reset': 'smallest' }).message).toMatch(/auto.offset.reset/)
    expect(refused({ 'auto.commit.enable': 'yes' }).message).toMatch(/auto.commit.enable/)
    expect(refused({ 'session.timeout.ms': 0 }).message).toMatch(/session.timeout.ms/)
    expect(refused({ 'partition.assignment.strategy': 'fair' }).errorCode).toBe(42204)
    expect(refused({ name: 7 }).errorCode).toBe(422)
  })
})

describe('Last-Event-ID', () => {
  test('is <topic>:<partition>:<offset>', () => {
    expect(parseLastEventId('orders.v1:3:42')).toEqual({
      topic: 'orders.v1',
      partition: 3,
      offset: 42,
    })
    expect(parseLastEventId('orders')).toBeUndefined()
    expect(parseLastEventId('orders:x:1')).toBeUndefined()
    expect(parseLastEventId(undefined)).toBeUndefined()
  })
})

/** A data plane whose group calls answer from a script; the first answers are consumed in order. */
class ScriptedGroups implements DataPlaneConnector {
  readonly requests: GroupRequest[] = []
  readonly script: (GroupResponse | 'reject')[] = []

  connect(_brokerId: number, _endpoint: BrokerEndpoint): DataPlaneClient {
    const unused = () => Promise.reject(new Error('not in this test'))
    return {
      produce: unused,
      fetch: unused,
      listOffsets: unused,
      offsetsForLeaderEpoch: unused,
      group: async (request) => {
        this.requests.push(request)
        const next = this.script.shift() ?? {
          ok: false,
          error: { code: ErrorCode.NotCoordinator, message: 'not me' },
        }
        if (next === 'reject') throw new Error('connection reset')
        return next as never
      },
      close: async () => {},
    }
  }
}

function coordinatorClient(groups: ScriptedGroups, retryTimeoutMs = 300) {
  const gw = startGateway()
  const config = resolveGatewayConfig({ offsetsTopicNumPartitions: 7, retryBackoffMs: 5 })
  const client = new CoordinatorClient({
    metadata: gw.follower,
    controller: gw.controller,
    router: new LeaderRouter(gw.follower, groups, silentLogger),
    config,
    logger: silentLogger,
    retryTimeoutMs,
  })
  return { gw, client }
}

describe('the coordinator client', () => {
  test('creates __consumer_offsets on first use, then asks the group’s partition leader', async () => {
    const groups = new ScriptedGroups()
    groups.script.push({ ok: true, result: { instance: 'i-1' } })
    const { gw, client } = coordinatorClient(groups)
    const result = await client.call({
      op: 'createInstance',
      group: 'billing',
      instance: null,
      config: parseCreateConsumer({}).config,
    })
    expect(result).toEqual({ instance: 'i-1' })
    const topic = gw.follower.image.topic(OFFSETS_TOPIC)
    expect(topic?.partitions).toHaveLength(7)
    expect(topic?.configs).toEqual({ 'retention.ms': '-1' })
    expect(gw.controller.calls).toEqual([`createTopic ${OFFSETS_TOPIC}`])
    expect(client.coordinatorOf('billing')).toBe(1)
    expect(coordinatorPartition('billing', 7)).toBeGreaterThanOrEqual(0)

    // Already there: no second creation.
    groups.script.push({ ok: true, result: {} })
    await client.call({ op: 'deleteInstance', group: 'billing', instance: 'i-1' })
    expect(gw.controller.calls).toHaveLength(1)
  })

  test('retries a coordinator that moved, loads or cannot be reached', async () => {
    const groups = new ScriptedGroups()
    groups.script.push(
      { ok: false, error: { code: ErrorCode.NotCoordinator, message: 'moved' } },
      'reject',
      { ok: false, error: { code: ErrorCode.CoordinatorLoadInProgress, message: 'loading' } },
      { ok: true, result: { topics: ['t'], pattern: null } },
    )
    const { client } = coordinatorClient(groups, 10_000)
    const result = await client.call({ op: 'subscription', group: 'g', instance: 'i' })
    expect(result).toEqual({ topics: ['t'], pattern: null })
    expect(groups.requests).toHaveLength(4)
  })

  test('gives up after its bound with a retriable COORDINATOR_NOT_AVAILABLE (50003)', async () => {
    const groups = new ScriptedGroups()
    const { client } = coordinatorClient(groups, 200)
    const failure = await client.call({ op: 'poll', group: 'g', instance: 'i' }).catch((e) => e)
    expect(failure).toBeInstanceOf(TributaryError)
    expect(failure).toMatchObject({ code: ErrorCode.CoordinatorNotAvailable, retriable: true })
    expect(groups.requests.length).toBeGreaterThan(1)
  })

  test('passes the coordinator’s verdicts through without retrying', async () => {
    const groups = new ScriptedGroups()
    groups.script.push({
      ok: false,
      error: { code: ErrorCode.UnknownMemberId, message: 'no instance i in group g' },
    })
    const { client } = coordinatorClient(groups)
    const failure = await client.call({ op: 'poll', group: 'g', instance: 'i' }).catch((e) => e)
    expect(failure).toMatchObject({ code: ErrorCode.UnknownMemberId })
    expect(groups.requests).toHaveLength(1)
  })

  test('lists no groups before __consumer_offsets exists', async () => {
    const { client, gw } = coordinatorClient(new ScriptedGroups())
    expect(await client.listGroups()).toEqual([])
    expect(gw.controller.calls).toEqual([])
  })
})

describe('the REST mapping of the coordinator’s errors', () => {
  test('UNKNOWN_MEMBER_ID is 40403 "Consumer instance not found."', () => {
    const error = toRestError(new TributaryError(ErrorCode.UnknownMemberId, 'instance x expired'))
    expect(error.toBody()).toEqual({ error_code: 40403, message: 'Consumer instance not found.' })
    expect(error.status).toBe(404)
    const cases: [ErrorCode, number][] = [
      [ErrorCode.MemberIdExists, 40902],
      [ErrorCode.IllegalConsumerState, 40903],
      [ErrorCode.IllegalGeneration, 40903],
      [ErrorCode.NonEmptyGroup, 40903],
      [ErrorCode.InvalidSessionTimeout, 42204],
      [ErrorCode.GroupIdNotFound, 40403],
      [ErrorCode.CoordinatorNotAvailable, 50003],
      [ErrorCode.NotCoordinator, 50003],
    ]
    for (const [code, restCode] of cases) {
      expect(toRestError(new TributaryError(code, 'm')).errorCode, code).toBe(restCode)
    }
  })
})
