import { ErrorCode } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { groupHost, ownership } from './group-helpers.ts'

const ALL = ['t-0', 't-1', 't-2', 't-3']

describe('GroupCoordinator: membership and rebalancing', () => {
  it('splits a topic between two subscribed instances, disjointly and fully', async () => {
    const { api } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    const b = await api.consumer('g', 'b').create()
    await a.subscribe(['t'])
    await b.subscribe(['t'])
    const fromA = await a.pollNames()
    const fromB = await b.pollNames()
    expect(fromA).toHaveLength(2)
    expect(fromB).toHaveLength(2)
    expect([...fromA, ...fromB].sort()).toEqual(ALL)
    expect(await ownership(api, 'g')).toEqual({ a: fromA, b: fromB })
    const description = await api.describe('g')
    expect(description.state).toBe('STABLE')
    expect(description.assignor).toBe('sticky')
    // Both own their whole target: their member epoch is the group's.
    const polled = await a.poll()
    expect(polled.memberEpoch).toBe(description.groupEpoch)
    expect(polled.partitions.every((p) => p.position === null)).toBe(true)
  })

  it('moves partitions to a newcomer only once their owners let go: never two owners', async () => {
    const { api } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    await a.subscribe(['t'])
    expect(await a.pollNames()).toEqual(ALL)

    const b = await api.consumer('g', 'b').create()
    await b.subscribe(['t'])
    // a owns everything until it polls again.
    expect(await b.pollNames()).toEqual([])
    expect(await ownership(api, 'g')).toEqual({ a: ALL, b: [] })
    expect((await api.describe('g')).state).toBe('RECONCILING')
    const keptByA = await a.pollNames()
    expect(keptByA).toHaveLength(2)
    expect(await ownership(api, 'g')).toEqual({ a: keptByA, b: [] })
    const takenByB = await b.pollNames()
    expect([...keptByA, ...takenByB].sort()).toEqual(ALL)
    expect(await ownership(api, 'g')).toEqual({ a: keptByA, b: takenByB })

    const c = await api.consumer('g', 'c').create()
    await c.subscribe(['t'])
    // Every step: c gets only what a and b have released.
    const steps = [c, a, c, b, c, a, b, c]
    for (const consumer of steps) {
      await consumer.poll()
      const owned = await ownership(api, 'g')
      expect(Object.values(owned).flat().length).toBeLessThanOrEqual(4)
    }
    const owned = await ownership(api, 'g')
    expect(Object.values(owned).flat().sort()).toEqual(ALL)
    expect(
      Object.values(owned)
        .map((names) => names.length)
        .sort(),
    ).toEqual([1, 1, 2])
    // Sticky: a and b kept partitions they had, c took one from each.
    for (const name of owned.a ?? []) expect(keptByA).toContain(name)
    for (const name of owned.b ?? []) expect(takenByB).toContain(name)
    const description = await api.describe('g')
    expect(description.state).toBe('STABLE')
    expect(description.members.map((m) => m.memberEpoch)).toEqual([
      description.groupEpoch,
      description.groupEpoch,
      description.groupEpoch,
    ])
  })

  it('uses the first member’s assignor and re-evaluates a pattern as topics appear', async () => {
    const { api, metadata, replicas } = await groupHost()
    const a = await api.consumer('g', 'a').create({ assignor: 'range' })
    const b = await api.consumer('g', 'b').create({ assignor: 'roundrobin' })
    await a.subscribe(null, 't.*')
    await b.subscribe(null, 't.*')
    await a.poll()
    await b.poll()
    // range: a gets the first half.
    expect(await ownership(api, 'g')).toEqual({ a: ['t-0', 't-1'], b: ['t-2', 't-3'] })
    expect((await api.describe('g')).assignor).toBe('range')

    metadata.createTopic('tx', { partitions: 2 })
    metadata.createTopic('other')
    await replicas.sync()
    await a.poll()
    await b.poll()
    expect(await ownership(api, 'g')).toEqual({
      a: ['t-0', 't-1', 'tx-0'],
      b: ['t-2', 't-3', 'tx-1'],
    })
    expect(await api.call({ op: 'subscription', group: 'g', instance: 'a' })).toEqual({
      topics: ['t', 'tx'],
      pattern: 't.*',
    })
    // Internal topics never match a pattern.
    const all = await api.consumer('g2', 'x').create()
    await all.subscribe(null, '.*')
    expect(await all.pollNames()).not.toContain('__consumer_offsets-0')
    expect(await all.pollNames()).toContain('other-0')
  })

  it('expires a silent member: its partitions move, its commits are refused, the new owner redelivers', async () => {
    const { api, clock } = await groupHost()
    const a = await api.consumer('g', 'a').create({ sessionTimeoutMs: 10_000 })
    const b = await api.consumer('g', 'b').create({ sessionTimeoutMs: 10_000 })
    await a.subscribe(['t'])
    await b.subscribe(['t'])
    const polledA = await a.poll()
    await b.poll()
    const mine = polledA.partitions[0]?.partition ?? -1
    await a.delivered(polledA.memberEpoch, [{ partition: mine, from: null, start: 0, to: 5 }])
    await a.commit([{ partition: mine, offset: 5 }])
    const epoch = (await a.poll()).memberEpoch
    // Delivered up to 8, never committed.
    await a.delivered(epoch, [{ partition: mine, from: 5, to: 8 }])

    clock.advance(6_000)
    await b.poll() // b stays alive
    clock.advance(5_000) // a has been silent 11 s
    const moved = await b.poll()
    expect(moved.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3])
    // Redelivery: b starts a's partition at the committed offset, not where a got to.
    expect(moved.partitions.find((p) => p.partition === mine)?.position).toBe(5)
    expect(await ownership(api, 'g')).toEqual({ b: ['t-0', 't-1', 't-2', 't-3'] })

    const refused = await api.refused({
      op: 'commit',
      group: 'g',
      instance: 'a',
      offsets: [{ topic: 't', partition: mine, offset: 8, metadata: '' }],
    })
    expect(refused.code).toBe(ErrorCode.IllegalGeneration)
    expect(refused.message).toContain(`t-${mine}`)
    expect(await a.committed()).toEqual({ [`t-${mine}`]: 5 })
    // a's stale delivery is not accepted either.
    expect((await a.delivered(epoch, [{ partition: mine, from: 8, to: 9 }])).accepted).toEqual([])

    // The instance lives on and rejoins at its next poll, with a new member epoch.
    const rejoined = await a.poll()
    expect(rejoined.partitions).toEqual([])
    await b.poll()
    const back = await a.poll()
    expect(back.partitions).toHaveLength(2)
    expect(back.memberEpoch).toBeGreaterThan(epoch)
    await ownership(api, 'g')
  })

  it('deletes an instance idle past the instance timeout, also by the sweep', async () => {
    const { api, clock, coordinator } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    await a.subscribe(['t'])
    await a.poll()
    await api.consumer('g', 'b').create()
    clock.advance(120_001)
    coordinator.sweep()
    // The sweep deleted both, and dropped the group that now holds nothing.
    expect((await api.refused({ op: 'describeGroup', group: 'g' })).code).toBe(
      ErrorCode.GroupIdNotFound,
    )
    expect((await api.refused({ op: 'poll', group: 'g', instance: 'a' })).code).toBe(
      ErrorCode.UnknownMemberId,
    )
  })
})

describe('GroupCoordinator: positions', () => {
  it('answers a retried delivery (same pollId) as the first time, so a lost answer loses no records', async () => {
    const { api } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    await a.assign([{ topic: 't', partition: 0 }])
    const { memberEpoch } = await a.poll()
    const advance = [{ partition: 0, from: null, start: 0, to: 4 }]
    const first = await a.delivered(memberEpoch, advance, 'poll-1')
    expect(first.accepted).toEqual([{ topic: 't', partition: 0 }])
    expect((await a.delivered(memberEpoch, advance, 'poll-1')).accepted).toEqual(first.accepted)
    // Another read from the same position is still refused.
    expect((await a.delivered(memberEpoch, advance, 'poll-2')).accepted).toEqual([])
    expect((await a.poll()).partitions).toEqual([{ topic: 't', partition: 0, position: 4 }])
  })

  it('accepts a delivery only from the current position (compare-and-set) and member epoch', async () => {
    const { api } = await groupHost()
    const a = await api.consumer('g', 'a').create()
    await a.assign([{ topic: 't', partition: 1 }])
    const { memberEpoch, partitions } = await a.poll()
    expect(partitions).toEqual([{ topic: 't', partition: 1, position: null }])
    const first = await a.delivered(memberEpoch, [{ partition: 1, from: null, start: 3, to: 7 }])
    expect(first.accepted).toEqual([{ topic: 't', partition: 1 }])
    // A second gateway that polled at the same time: refused, its records must not go out.
    const stale = await a.delivered(memberEpoch, [{ partition: 1, from: null, start: 3, to: 9 }])
    expect(stale.accepted).toEqual([])
    expect(
      (await a.delivered(memberEpoch + 1, [{ partition: 1, from: 7, to: 8 }])).accepted,
    ).toEqual([])
    // Not held: never accepted.
    expect(
      (await a.delivered(memberEpoch, [{ partition: 2, from: null, to: 1 }])).accepted,
    ).toEqual([])
    expect((await a.poll()).partitions).toEqual([{ topic: 't', partition: 1, position: 7 }])
    await a.seek([{ partition: 1, offset: 2 }])
    expect((await a.poll()).partitions).toEqual([{ topic: 't', partition: 1, position: 2 }])
  })

  it('commits on delivery with autoCommit, and a failed append changes nothing', async () => {
    const { api, metadata, replicas } = await groupHost()
    const a = await api.consumer('g', 'a').create({ autoCommit: true })
    await a.subscribe(['t'])
    const { memberEpoch } = await a.poll()
    await a.delivered(memberEpoch, [{ partition: 0, from: null, start: 0, to: 3 }])
    expect(await a.committed()).toEqual({ 't-0': 3 })

    // The offsets partition refuses acks=all: the delivery fails and the position stays.
    metadata.setConfig('__consumer_offsets', 'min.insync.replicas', '2')
    await replicas.sync()
    const refused = await api.refused({
      op: 'delivered',
      group: 'g',
      instance: 'a',
      memberEpoch,
      advances: [{ topic: 't', partition: 0, from: 3, start: 3, to: 6 }],
    })
    expect(refused.code).toBe(ErrorCode.CoordinatorNotAvailable)
    expect((await a.poll()).partitions[0]).toEqual({ topic: 't', partition: 0, position: 3 })
    expect(await a.committed()).toEqual({ 't-0': 3 })
    metadata.setConfig('__consumer_offsets', 'min.insync.replicas', null)
    await replicas.sync()
    await a.delivered(memberEpoch, [{ partition: 0, from: 3, to: 6 }])
    expect(await a.committed()).toEqual({ 't-0': 6 })
  })

  it('rewinds deliveries not committed within the ack timeout', async () => {
    const { api, clock } = await groupHost()
    const a = await api.consumer('g', 'a').create({ ackTimeoutMs: 5_000 })
    await a.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ])
    const { memberEpoch } = await a.poll()
    await a.delivered(memberEpoch, [
      { partition: 0, from: null, start: 0, to: 10 },
      { partition: 1, from: null, start: 0, to: 10 },
    ])
    await a.delivered(memberEpoch, [{ partition: 0, from: 10, to: 12 }])
    // Partly committed on p0 (the rewind point moves up), fully on p1 (nothing pending).
    await a.commit([
      { partition: 0, offset: 4 },
      { partition: 1, offset: 10 },
    ])
    clock.advance(4_000)
    expect((await a.poll()).partitions.map((p) => p.position)).toEqual([12, 10])
    clock.advance(1_000)
    expect((await a.poll()).partitions.map((p) => p.position)).toEqual([4, 10])
    // Committing everything delivered (offsets null) commits the positions.
    await a.delivered(memberEpoch, [{ partition: 0, from: 4, to: 12 }])
    const { committed } = await a.commit(null)
    expect(committed.map((c) => [c.partition, c.offset])).toEqual([
      [0, 12],
      [1, 10],
    ])
    clock.advance(10_000)
    expect((await a.poll()).partitions.map((p) => p.position)).toEqual([12, 10])
  })
})
