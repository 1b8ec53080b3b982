import {
  Acks,
  coordinatorPartition,
  ErrorCode,
  encodeRecordBatch,
  OFFSETS_TOPIC,
  type RecordInput,
} from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { encodeInstanceKey } from '../src/coordinator/instance-record.ts'
import {
  groupHost,
  instanceConfig,
  OFFSETS_PARTITIONS,
  ownership,
  TEST_GROUP_SETTINGS,
  twoGroupHosts,
} from './group-helpers.ts'

/**
 * Consumer instances outlive their coordinator: a broker that takes a `__consumer_offsets`
 * partition over (another broker after a failover, or the same one restarted on its logs)
 * replays the instances' records with the committed offsets.
 */

const ALL = ['t-0', 't-1', 't-2', 't-3']

/** Appends records straight to group `g`'s offsets partition, behind the coordinator's back. */
async function appendRaw(host: Awaited<ReturnType<typeof groupHost>>, records: RecordInput[]) {
  const response = await host.handler.produce({
    topic: OFFSETS_TOPIC,
    partition: coordinatorPartition('g', OFFSETS_PARTITIONS),
    acks: Acks.All,
    timeoutMs: 1_000,
    records: encodeRecordBatch(records),
  })
  expect(response.errorCode).toBe(0)
}

describe('GroupCoordinator: consumer instances across a coordinator move', () => {
  it('moves a subscribed instance to the new leader, which reads on from the committed offsets', async () => {
    const { first, second, failover } = await twoGroupHosts()
    const config = instanceConfig({ format: 'json', autoOffsetReset: 'latest', assignor: 'range' })
    const a = await first.api.consumer('g', 'a').create(config)
    await a.subscribe(['t'])
    const { memberEpoch } = await a.poll()
    await a.delivered(memberEpoch, [
      { partition: 0, from: null, start: 0, to: 10 },
      { partition: 1, from: null, start: 0, to: 5 },
    ])
    // Processed 0-5 of t-0 and committed; the rest was delivered and never committed.
    await a.commit([{ partition: 0, offset: 6 }])

    await failover()
    const moved = second.api.consumer('g', 'a')
    const polled = await moved.poll()
    expect(polled.config).toEqual(config)
    expect(polled.partitions).toEqual([
      // At-least-once: t-0 from the commit (6-9 again), t-1 by autoOffsetReset as never committed.
      { topic: 't', partition: 0, position: 6 },
      { topic: 't', partition: 1, position: null },
      { topic: 't', partition: 2, position: null },
      { topic: 't', partition: 3, position: null },
    ])
    expect(await second.api.call({ op: 'subscription', group: 'g', instance: 'a' })).toEqual({
      topics: ['t'],
      pattern: null,
    })
    // It is a member again, and commits on the new coordinator.
    const description = await second.api.describe('g')
    expect(description.members.map((m) => [m.instance, m.kind])).toEqual([['a', 'subscribed']])
    await moved.delivered(polled.memberEpoch, [{ partition: 0, from: 6, to: 10 }])
    await moved.commit(null)
    expect(await moved.committed()).toEqual({ 't-0': 10 })
    // The old coordinator is gone; the new one answers for the group.
    expect((await first.api.refused({ op: 'poll', group: 'g', instance: 'a' })).code).toBe(
      ErrorCode.NotCoordinator,
    )
  })

  it('rebuilds membership at the members’ polls, never giving a partition two owners', async () => {
    const first = await groupHost()
    const a = await first.api.consumer('g', 'a').create()
    const b = await first.api.consumer('g', 'b').create()
    await a.subscribe(['t'])
    await b.subscribe(['t'])
    await a.poll()
    await b.poll()
    await a.poll()
    const before = await ownership(first.api, 'g')
    expect([...(before.a ?? []), ...(before.b ?? [])].sort()).toEqual(ALL)
    await first.close()

    const second = await groupHost({ dir: first.dir, metadata: first.metadata })
    const [movedA, movedB] = [second.api.consumer('g', 'a'), second.api.consumer('g', 'b')]
    // b polls first and, alone in the group, takes everything; a gets its share only once b
    // has let go of it.
    expect(await movedB.pollNames()).toEqual(ALL)
    expect(await movedA.pollNames()).toEqual([])
    expect(await ownership(second.api, 'g')).toEqual({ a: [], b: ALL })
    for (const consumer of [movedB, movedA, movedB, movedA]) {
      await consumer.poll()
      await ownership(second.api, 'g')
    }
    const after = await ownership(second.api, 'g')
    expect(after.a).toHaveLength(2)
    expect([...(after.a ?? []), ...(after.b ?? [])].sort()).toEqual(ALL)
    expect((await second.api.describe('g')).state).toBe('STABLE')
  })

  it('keeps manual assignments, patterns, unsubscriptions and deletions', async () => {
    const first = await groupHost()
    const { api } = first
    const assigned = await api.consumer('g', 'assigned').create()
    await assigned.assign([
      { topic: 't', partition: 3 },
      { topic: 't', partition: 1 },
    ])
    await assigned.commit([{ partition: 3, offset: 42 }])
    const pattern = await api.consumer('g', 'pattern').create()
    await pattern.subscribe(null, 't|u')
    const quiet = await api.consumer('g', 'quiet').create()
    await quiet.subscribe(['t'])
    await api.call({ op: 'unsubscribe', group: 'g', instance: 'quiet' })
    const deleted = await api.consumer('g', 'deleted').create()
    await deleted.subscribe(['t'])
    await api.call({ op: 'deleteInstance', group: 'g', instance: 'deleted' })
    await first.close()

    const second = await groupHost({ dir: first.dir, metadata: first.metadata })
    const moved = second.api
    expect((await moved.consumer('g', 'assigned').poll()).partitions).toEqual([
      { topic: 't', partition: 1, position: null },
      { topic: 't', partition: 3, position: 42 },
    ])
    expect(await moved.call({ op: 'subscription', group: 'g', instance: 'pattern' })).toEqual({
      topics: ['t'],
      pattern: 't|u',
    })
    expect((await moved.refused({ op: 'poll', group: 'g', instance: 'quiet' })).code).toBe(
      ErrorCode.IllegalConsumerState,
    )
    expect((await moved.refused({ op: 'poll', group: 'g', instance: 'deleted' })).code).toBe(
      ErrorCode.UnknownMemberId,
    )
    // Its name is free again.
    await moved.consumer('g', 'deleted').create()
    // Instances still holding partitions keep an administrator's reset away, as before the move.
    expect((await moved.refused({ op: 'resetOffsets', group: 'g', offsets: [] })).code).toBe(
      ErrorCode.NonEmptyGroup,
    )
  })

  it('gives replayed instances a full instance timeout, and keeps expired ones deleted', async () => {
    const first = await groupHost()
    const idle = await first.api.consumer('g', 'idle').create()
    await idle.assign([{ topic: 't', partition: 0 }])
    first.clock.advance(TEST_GROUP_SETTINGS.consumerInstanceTimeoutMs + 1)
    // Any request on the group applies liveness first: idle expires, and its record goes.
    const kept = await first.api.consumer('g', 'kept').create()
    await kept.assign([{ topic: 't', partition: 1 }])
    first.clock.advance(TEST_GROUP_SETTINGS.consumerInstanceTimeoutMs - 1)
    await first.close()

    const second = await groupHost({ dir: first.dir, metadata: first.metadata })
    // One clock for both coordinators: the takeover happens where the old one stopped.
    second.clock.now = first.clock.now
    expect((await second.api.refused({ op: 'poll', group: 'g', instance: 'idle' })).code).toBe(
      ErrorCode.UnknownMemberId,
    )
    // kept was idle for nearly its timeout on the old coordinator; on the new one its time
    // starts again at the takeover.
    second.clock.advance(TEST_GROUP_SETTINGS.consumerInstanceTimeoutMs)
    expect((await second.api.consumer('g', 'kept').poll()).partitions).toHaveLength(1)
    second.clock.advance(TEST_GROUP_SETTINGS.consumerInstanceTimeoutMs + 1)
    second.coordinator.sweep()
    expect((await second.api.refused({ op: 'describeGroup', group: 'g' })).code).toBe(
      ErrorCode.GroupIdNotFound,
    )
    await second.close()

    const third = await groupHost({ dir: first.dir, metadata: first.metadata })
    expect((await third.api.refused({ op: 'poll', group: 'g', instance: 'kept' })).code).toBe(
      ErrorCode.UnknownMemberId,
    )
  })

  it('skips records it cannot read and replays the rest', async () => {
    const first = await groupHost()
    const a = await first.api.consumer('g', 'a').create()
    await a.assign([{ topic: 't', partition: 0 }])
    await appendRaw(first, [
      // A later version of our value, Kafka's GroupMetadata (key version 2), a kind unknown.
      {
        key: encodeInstanceKey({ group: 'g', instance: 'a' }),
        value: new Uint8Array([0, 1, 0x7b]),
      },
      { key: new Uint8Array([0, 2, 0, 1, 0x67]), value: new Uint8Array([0, 3]) },
      { key: new Uint8Array([0x0b, 0xb8]), value: null },
    ])
    await a.commit([{ partition: 0, offset: 3 }])
    await first.close()

    const second = await groupHost({ dir: first.dir, metadata: first.metadata })
    expect((await second.api.consumer('g', 'a').poll()).partitions).toEqual([
      { topic: 't', partition: 0, position: 3 },
    ])
  })

  it('refuses an instance change the log does not take, and keeps the instance as it was', async () => {
    const { api, metadata, replicas } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    await a.subscribe(['t'])
    // The offsets partition refuses acks=all: nothing changes unless it is stored.
    metadata.setConfig('__consumer_offsets', 'min.insync.replicas', '2')
    await replicas.sync()
    for (const request of [
      { op: 'unsubscribe', group: 'g', instance: 'a' },
      { op: 'deleteInstance', group: 'g', instance: 'a' },
      { op: 'createInstance', group: 'g', instance: 'b', config: instanceConfig() },
    ] as const) {
      expect((await api.refused(request)).code, request.op).toBe(ErrorCode.CoordinatorNotAvailable)
    }
    expect(await a.pollNames()).toEqual(ALL)
    expect((await api.refused({ op: 'poll', group: 'g', instance: 'b' })).code).toBe(
      ErrorCode.UnknownMemberId,
    )
  })
})
