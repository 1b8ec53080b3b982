import { TcpDataPlaneClient } from '@tributary/cluster-client'
import {
  Acks,
  coordinatorPartition,
  ErrorCode,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  encodeRecordBatch,
  groupResultOf,
  OFFSETS_TOPIC,
} from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { inProcessClient } from '../src/handler/index.ts'
import { createBrokerMetrics, instrumentDataPlane } from '../src/metrics/index.ts'
import { DataPlaneServer } from '../src/server/index.ts'
import { groupApi, groupHost, instanceConfig, OFFSETS_PARTITIONS } from './group-helpers.ts'
import { hostReplicas, type ReplicaHost } from './helpers.ts'

/** Appends an offset record (a tombstone when `offset` is null) straight to the group's partition. */
async function appendRecord(
  host: ReplicaHost,
  group: string,
  partition: number,
  offset: number | null,
): Promise<void> {
  const value =
    offset === null
      ? null
      : encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata: 'direct', commitTimestamp: 1 })
  const response = await host.handler.produce({
    topic: OFFSETS_TOPIC,
    partition: coordinatorPartition(group, OFFSETS_PARTITIONS),
    acks: Acks.All,
    timeoutMs: 1_000,
    records: encodeRecordBatch([
      { key: encodeOffsetCommitKey({ group, topic: 't', partition }), value },
    ]),
  })
  expect(response.errorCode).toBe(0)
}

/** A group name whose offsets partition is not `partition`. */
function groupNotOn(partition: number): string {
  for (let i = 0; ; i++) {
    if (coordinatorPartition(`g${i}`, OFFSETS_PARTITIONS) !== partition) return `g${i}`
  }
}

describe('GroupCoordinator: committed offsets in __consumer_offsets', () => {
  it('keeps commits across a restart of the logs, tombstones deleting them', async () => {
    const first = await groupHost()
    const a = await first.api.consumer('g', 'a').create()
    await a.assign([0, 1, 2].map((partition) => ({ topic: 't', partition })))
    await a.commit([
      { partition: 0, offset: 10 },
      { partition: 1, offset: 20 },
    ])
    await a.commit([{ partition: 0, offset: 11 }])
    await appendRecord(first, 'g', 2, 30)
    await appendRecord(first, 'g', 1, null)
    await first.close()

    const second = await groupHost({ dir: first.dir, metadata: first.metadata })
    const committed = await second.api.call({
      op: 'committed',
      group: 'g',
      instance: null,
      partitions: null,
    })
    expect(committed.offsets).toEqual([
      { topic: 't', partition: 0, offset: 11, metadata: '' },
      { topic: 't', partition: 2, offset: 30, metadata: 'direct' },
    ])
    // The instance came back with its assignment, each partition at its committed offset.
    const back = second.api.consumer('g', 'a')
    expect((await back.poll()).partitions.map((p) => p.position)).toEqual([11, null, 30])
    const b = await second.api.consumer('g', 'b').create()
    await b.assign([0, 1].map((partition) => ({ topic: 't', partition })))
    expect((await b.poll()).partitions.map((p) => p.position)).toEqual([11, null])
    expect(await second.api.call({ op: 'listGroups' })).toEqual({
      groups: [{ group: 'g', state: 'STABLE', members: 2 }],
    })
  })

  it('replays its partition when the leader epoch changes', async () => {
    const host = await groupHost()
    const a = await host.api.consumer('g', 'a').create()
    await a.assign([{ topic: 't', partition: 0 }])
    await a.commit([{ partition: 0, offset: 5 }])
    // Written behind the coordinator's back: it does not know until it reloads.
    await appendRecord(host, 'g', 0, 9)
    expect(await a.committed()).toEqual({ 't-0': 5 })
    const partition = coordinatorPartition('g', OFFSETS_PARTITIONS)
    host.metadata.changeLeader(OFFSETS_TOPIC, partition, 2)
    expect((await host.api.refused({ op: 'poll', group: 'g', instance: 'a' })).code).toBe(
      ErrorCode.NotCoordinator,
    )
    host.metadata.changeLeader(OFFSETS_TOPIC, partition, 1)
    expect(await a.committed()).toEqual({ 't-0': 9 })
    // The instance was replayed too: it reads on from the offset committed last.
    expect((await a.poll()).partitions).toEqual([{ topic: 't', partition: 0, position: 9 }])
    // Leader again at a newer epoch, with no request seeing it lose leadership in between.
    await appendRecord(host, 'g', 0, 12)
    host.metadata.changeLeader(OFFSETS_TOPIC, partition, 2)
    host.metadata.changeLeader(OFFSETS_TOPIC, partition, 1)
    expect(await a.committed()).toEqual({ 't-0': 12 })
  })

  it('answers NOT_COORDINATOR for a group whose partition another broker leads', async () => {
    const host = await groupHost()
    const led = coordinatorPartition('mine', OFFSETS_PARTITIONS)
    const elsewhere = groupNotOn(led)
    host.metadata.changeLeader(
      OFFSETS_TOPIC,
      coordinatorPartition(elsewhere, OFFSETS_PARTITIONS),
      2,
    )
    const refused = await host.api.refused({
      op: 'createInstance',
      group: elsewhere,
      instance: null,
      config: instanceConfig(),
    })
    expect(refused.code).toBe(ErrorCode.NotCoordinator)
    const created = await host.api.call({
      op: 'createInstance',
      group: 'mine',
      instance: null,
      config: instanceConfig(),
    })
    expect(created.instance).toMatch(/^rest-consumer-[0-9a-f-]{36}$/)

    const bare = groupApi((await groupHostWithoutOffsets()).handler)
    expect((await bare.refused({ op: 'describeGroup', group: 'g' })).code).toBe(
      ErrorCode.NotCoordinator,
    )
  })
})

async function groupHostWithoutOffsets() {
  const host = hostReplicas()
  host.metadata.registerBroker(1)
  await host.replicas.sync()
  return host
}

describe('GroupCoordinator: refusals', () => {
  it('refuses what the contract refuses, with its codes', async () => {
    const { api } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    const create = {
      op: 'createInstance',
      group: 'g',
      instance: 'a',
      config: instanceConfig(),
    } as const
    expect((await api.refused(create)).code).toBe(ErrorCode.MemberIdExists)
    const short = await api.refused({
      ...create,
      instance: 'b',
      config: instanceConfig({ sessionTimeoutMs: 500 }),
    })
    expect(short.code).toBe(ErrorCode.InvalidSessionTimeout)
    expect(short.message).toContain('[1000, 60000]')
    expect((await api.refused({ op: 'poll', group: 'g', instance: 'nobody' })).code).toBe(
      ErrorCode.UnknownMemberId,
    )
    const idle = await api.refused({ op: 'poll', group: 'g', instance: 'a' })
    expect(idle).toEqual({
      code: ErrorCode.IllegalConsumerState,
      message: 'instance a is not subscribed to any topics or assigned any partitions',
    })
    const unknownTopic = await api.refused({
      op: 'subscribe',
      group: 'g',
      instance: 'a',
      topics: ['t', 'missing'],
      pattern: null,
    })
    expect(unknownTopic.code).toBe(ErrorCode.UnknownTopicOrPartition)
    expect(unknownTopic.message).toContain('missing')

    await a.subscribe(['t'])
    const assign = await api.refused({
      op: 'assign',
      group: 'g',
      instance: 'a',
      partitions: [{ topic: 't', partition: 0 }],
    })
    expect(assign.code).toBe(ErrorCode.IllegalConsumerState)
    await a.poll()
    expect((await api.refused({ op: 'resetOffsets', group: 'g', offsets: [] })).code).toBe(
      ErrorCode.NonEmptyGroup,
    )
    const b = await api.consumer('g', 'b').create()
    await b.assign([{ topic: 't', partition: 0 }])
    expect(
      (
        await api.refused({
          op: 'subscribe',
          group: 'g',
          instance: 'b',
          topics: ['t'],
          pattern: null,
        })
      ).code,
    ).toBe(ErrorCode.IllegalConsumerState)
    expect(
      (
        await api.refused({
          op: 'seek',
          group: 'g',
          instance: 'b',
          positions: [{ topic: 't', partition: 1, offset: 0 }],
        })
      ).code,
    ).toBe(ErrorCode.IllegalConsumerState)
    // Nothing of a refused commit is written, even the partitions it did own.
    const commit = await api.refused({
      op: 'commit',
      group: 'g',
      instance: 'b',
      offsets: [
        { topic: 't', partition: 0, offset: 3, metadata: '' },
        { topic: 't', partition: 1, offset: 3, metadata: '' },
      ],
    })
    expect(commit.code).toBe(ErrorCode.IllegalGeneration)
    expect(await b.committed()).toEqual({})

    await api.call({ op: 'unsubscribe', group: 'g', instance: 'a' })
    await api.call({ op: 'deleteInstance', group: 'g', instance: 'b' })
    const reset = await api.call({
      op: 'resetOffsets',
      group: 'g',
      offsets: [{ topic: 't', partition: 2, offset: 42 }],
    })
    expect(reset.committed).toEqual([{ topic: 't', partition: 2, offset: 42, metadata: '' }])
    expect((await api.refused({ op: 'describeGroup', group: 'nope' })).code).toBe(
      ErrorCode.GroupIdNotFound,
    )
  })
})

describe('Group API over TCP', () => {
  it('serves a consumer through DataPlaneServer and TcpDataPlaneClient, counted in the metrics', async () => {
    const host = await groupHost()
    const metrics = createBrokerMetrics({
      hostedPartitions: () => 0,
      ledPartitions: () => 0,
      metadataOffset: () => 0,
    })
    const server = new DataPlaneServer({ handler: instrumentDataPlane(host.handler, metrics) })
    const { port } = await server.listen(0, '127.0.0.1')
    onTestFinished(() => server.close())
    const client = new TcpDataPlaneClient(1, { name: 'client', host: '127.0.0.1', port })
    onTestFinished(() => client.close())
    const api = groupApi(client)

    const { instance } = await api.call({
      op: 'createInstance',
      group: 'g',
      instance: null,
      config: instanceConfig(),
    })
    const consumer = api.consumer('g', instance)
    await consumer.subscribe(['t'])
    const polled = await consumer.poll()
    expect(polled.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3])
    expect(polled.config).toEqual(instanceConfig())
    await consumer.delivered(polled.memberEpoch, [{ partition: 2, from: null, start: 0, to: 4 }])
    expect((await consumer.commit(null)).committed).toEqual([
      { topic: 't', partition: 2, offset: 4, metadata: '' },
    ])
    expect(await consumer.committed()).toEqual({ 't-2': 4 })
    // A request the schema refuses is answered, and the connection carries on.
    const malformed = await client.group({ op: 'poll', group: '', instance: instance })
    expect(malformed.ok).toBe(false)
    expect(groupResultOf(await client.group({ op: 'describeGroup', group: 'g' })).state).toBe(
      'STABLE',
    )
    expect((await client.group({ op: 'describeGroup', group: 'none' })).ok).toBe(false)
    const text = await metrics.registry.metrics()
    expect(text).toContain('tributary_broker_requests_total{api="group",error="NONE"} 7')
    expect(text).toContain(
      'tributary_broker_requests_total{api="group",error="GROUP_ID_NOT_FOUND"} 1',
    )
    // Combined mode's in-process client passes group requests through too.
    const inProcess = groupApi(inProcessClient(host.handler))
    expect((await inProcess.call({ op: 'listGroups' })).groups.map((g) => g.group)).toEqual(['g'])
  })
})
