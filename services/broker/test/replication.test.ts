import { IsolationLevel, type MetadataRecord } from '@tributary/core'
import { PartitionLog } from '@tributary/storage'
import { describe, expect, it, onTestFinished } from 'vitest'
import { PartitionLeadership, truncationOffset } from '../src/replication/index.ts'
import {
  batchOf,
  fetchRequest,
  hostReplicas,
  InProcessConnector,
  isrChanges,
  produceRequest,
  type ReplicaHost,
  recordsOf,
  TestMetadata,
  tempDir,
  until,
} from './helpers.ts'

/**
 * Replication between brokers hosted in this process: each broker's real handler, replica
 * manager and SQLite logs, followers fetching through the leader's handler
 * ({@link InProcessConnector}). The metadata is one image both brokers read; ISR changes the
 * leader asks for are applied to it ({@link isrChanges}).
 */

const Code = {
  None: 0,
  OffsetOutOfRange: 1,
  RequestTimedOut: 7,
  NotEnoughReplicas: 19,
  NotEnoughReplicasAfterAppend: 20,
} as const

function isrOf(metadata: TestMetadata, topic: string): readonly number[] {
  return metadata.image.topic(topic)?.partitions[0]?.isr ?? []
}

async function twoBrokers(options: { follow?: boolean; lagMs?: number } = {}) {
  const metadata = new TestMetadata()
  metadata.registerBroker(1)
  metadata.registerBroker(2)
  metadata.createTopic('t', { replicas: [1, 2], configs: { 'min.insync.replicas': '2' } })
  const connector = new InProcessConnector()
  const hosts = () => [...connector.hosts.values()]
  const controller = isrChanges(metadata, hosts)
  const common = {
    metadata,
    controller,
    ...(options.lagMs === undefined ? {} : { replicaLagTimeMaxMs: options.lagMs }),
  }
  const leader = hostReplicas({ ...common, brokerId: 1, connector })
  connector.hosts.set(1, leader)
  const follower = hostReplicas({
    ...common,
    brokerId: 2,
    dir: tempDir(),
    ...(options.follow === false ? {} : { connector }),
  })
  connector.hosts.set(2, follower)
  await Promise.all(hosts().map((host) => host.replicas.sync()))
  return { metadata, connector, controller, leader, follower }
}

describe('replication', () => {
  it('answers acks=all once the follower holds the write, and consumers see it only then', async () => {
    const { leader, follower } = await twoBrokers()
    const produced = await leader.handler.produce(
      produceRequest('t', batchOf(['a', 'b']), { acks: -1 }),
    )
    expect(produced.errorCode).toBe(Code.None)
    const followerLog = follower.replicas.replica('t', 0)?.log
    expect(followerLog?.logEndOffset).toBe(2)
    expect(leader.replicas.replica('t', 0)?.log.highWatermark).toBe(2)
    const read = await leader.handler.fetch(fetchRequest('t', 0))
    expect(recordsOf(read.records).map((r) => r.value)).toEqual(['a', 'b'])
    // The follower learns the high watermark from its next fetch.
    await until(() => followerLog?.highWatermark === 2)
  })

  it('does not acknowledge acks=all while a follower does not fetch, nor show the write to consumers', async () => {
    const { leader } = await twoBrokers({ follow: false })
    const produced = await leader.handler.produce(
      produceRequest('t', batchOf(['a']), { acks: -1, timeoutMs: 100 }),
    )
    expect(produced.errorCode).toBe(Code.RequestTimedOut)
    const log = leader.replicas.replica('t', 0)?.log
    expect(log?.logEndOffset).toBe(1)
    expect(log?.highWatermark).toBe(0)
    const read = await leader.handler.fetch(
      fetchRequest('t', 0, { isolationLevel: IsolationLevel.ReadUncommitted }),
    )
    expect(read.records.length).toBe(0)
    expect(read.highWatermark).toBe(0)
  })

  it('drops a follower that stopped fetching from the ISR, then refuses acks=all under min.insync.replicas', async () => {
    const { leader, metadata, controller } = await twoBrokers({ follow: false, lagMs: 20 })
    await new Promise((resolve) => setTimeout(resolve, 40))
    leader.leaders.shrinkLaggingIsr()
    await until(() => isrOf(metadata, 't').length === 1)
    expect(controller.asked.at(-1)).toMatchObject({ brokerId: 1, isr: [1], partitionEpoch: 0 })
    const refused = await leader.handler.produce(produceRequest('t', batchOf(['a']), { acks: -1 }))
    expect(refused.errorCode).toBe(Code.NotEnoughReplicas)
    // acks=1 still works, and with the ISR down to the leader it is committed at once.
    const accepted = await leader.handler.produce(produceRequest('t', batchOf(['b'])))
    expect(accepted.errorCode).toBe(Code.None)
    expect(leader.replicas.replica('t', 0)?.log.highWatermark).toBe(1)
  })

  it('answers a waiting acks=all write NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrinks under min.insync.replicas', async () => {
    const { leader, metadata } = await twoBrokers({ follow: false })
    const waiting = leader.handler.produce(produceRequest('t', batchOf(['a']), { acks: -1 }))
    await until(() => leader.replicas.replica('t', 0)?.log.logEndOffset === 1)
    // The controller drops broker 2 (as fencing would): the leader alone commits the write.
    const topicId = metadata.image.topic('t')?.topicId ?? ''
    metadata.apply({ type: 'partition-change', topicId, partition: 0, isr: [1] })
    await leader.replicas.sync()
    expect((await waiting).errorCode).toBe(Code.NotEnoughReplicasAfterAppend)
    expect(leader.replicas.replica('t', 0)?.log.highWatermark).toBe(1)
  })

  it('takes min.insync.replicas from the cluster config when the topic has none', async () => {
    const metadata = new TestMetadata()
    metadata.registerBroker(1)
    metadata.registerBroker(2)
    metadata.apply({
      type: 'config',
      resourceType: 'cluster',
      resourceName: '',
      name: 'min.insync.replicas',
      value: '2',
    })
    metadata.createTopic('t', { replicas: [1, 2] })
    const topicId = metadata.image.topic('t')?.topicId ?? ''
    metadata.apply({ type: 'partition-change', topicId, partition: 0, isr: [1] })
    const leader = hostReplicas({ metadata, brokerId: 1 })
    await leader.replicas.sync()
    const refused = await leader.handler.produce(produceRequest('t', batchOf(['a']), { acks: -1 }))
    expect(refused.errorCode).toBe(Code.NotEnoughReplicas)
    // A topic override wins over the cluster's value.
    metadata.setConfig('t', 'min.insync.replicas', '1')
    await leader.replicas.sync()
    const accepted = await leader.handler.produce(produceRequest('t', batchOf(['a']), { acks: -1 }))
    expect(accepted.errorCode).toBe(Code.None)
  })

  it('does not take a follower fetch past the log end as its position', async () => {
    const { leader } = await twoBrokers({ follow: false })
    await leader.handler.produce(produceRequest('t', batchOf(['a'])))
    const log = leader.replicas.replica('t', 0)?.log
    const read = await leader.handler.fetch(fetchRequest('t', 5, { replicaId: 2 }))
    expect(read.errorCode).toBe(Code.OffsetOutOfRange)
    expect(log?.highWatermark).toBe(0)
    // A fetch from its end does: broker 2 holds offset 0, which is then committed.
    await leader.handler.fetch(fetchRequest('t', 1, { replicaId: 2 }))
    expect(log?.highWatermark).toBe(1)
  })

  it('brings a follower back into the ISR once it has caught up', async () => {
    const { metadata, connector, controller } = await twoBrokers({ follow: false, lagMs: 20 })
    const leader = connector.hosts.get(1) as ReplicaHost
    await new Promise((resolve) => setTimeout(resolve, 40))
    leader.leaders.shrinkLaggingIsr()
    await until(() => isrOf(metadata, 't').length === 1)
    await leader.handler.produce(produceRequest('t', batchOf(['a', 'b', 'c'])))
    // Broker 2 comes back, now fetching.
    const old = connector.hosts.get(2) as ReplicaHost
    await old.close()
    const back = hostReplicas({ metadata, controller, brokerId: 2, dir: old.dir, connector })
    connector.hosts.set(2, back)
    await back.replicas.sync()
    await until(() => isrOf(metadata, 't').length === 2)
    expect(controller.asked.at(-1)).toMatchObject({ isr: [1, 2] })
    expect(back.replicas.replica('t', 0)?.log.logEndOffset).toBe(3)
    const produced = await leader.handler.produce(produceRequest('t', batchOf(['d']), { acks: -1 }))
    expect(produced.errorCode).toBe(Code.None)
  })

  it("truncates a deposed leader's uncommitted tail by the new leader's epoch end, then copies the new leader's log", async () => {
    const { metadata, connector, leader, follower } = await twoBrokers()
    await leader.handler.produce(produceRequest('t', batchOf(['a', 'b']), { acks: -1 }))
    // Broker 2 goes away; broker 1 writes a tail nobody else holds (acks=1 is not replicated).
    await follower.close()
    connector.hosts.delete(2)
    await leader.handler.produce(produceRequest('t', batchOf(['lost-1', 'lost-2'])))
    // The controller moves leadership to broker 2 (epoch 1); it comes back and writes.
    metadata.apply({
      type: 'partition-change',
      topicId: metadata.image.topic('t')?.topicId ?? '',
      partition: 0,
      leader: 2,
      isr: [2],
    })
    const next = hostReplicas({ metadata, brokerId: 2, dir: follower.dir, connector })
    connector.hosts.set(2, next)
    await next.replicas.sync()
    const written = await next.handler.produce(produceRequest('t', batchOf(['c'])))
    expect(written).toMatchObject({ errorCode: Code.None, baseOffset: 2 })
    // Broker 1 now follows broker 2: its tail goes, broker 2's log comes.
    await leader.replicas.sync()
    const log = leader.replicas.replica('t', 0)?.log
    await until(() => log?.logEndOffset === 3 && log.latestEpoch === 1)
    const copied = log?.read(0, 1 << 20)
    const values = copied?.batches.flatMap((batch) => recordsOf(batch).map((r) => r.value))
    expect(values).toEqual(['a', 'b', 'c'])
  })
})

describe('a leader that loses its leadership with appends still queued', () => {
  it('truncates after them, so its log ends up as the new leader’s', async () => {
    // Each broker has its own image here, so broker 1 can learn of the change later.
    const images = [new TestMetadata(), new TestMetadata()] as const
    const [metadata1, metadata2] = images
    const apply = (...records: MetadataRecord[]) => {
      for (const metadata of images) metadata.apply(...records)
    }
    const topicId = 'topic-t'
    metadata1.registerBroker(1)
    metadata1.registerBroker(2)
    metadata2.registerBroker(1)
    metadata2.registerBroker(2)
    apply(
      { type: 'topic', name: 't', topicId },
      {
        type: 'partition',
        topicId,
        partition: 0,
        replicas: [1, 2],
        isr: [1, 2],
        leader: 1,
        leaderEpoch: 0,
        partitionEpoch: 0,
      },
    )
    const connector = new InProcessConnector()
    const leader = hostReplicas({ metadata: metadata1, brokerId: 1, connector })
    connector.hosts.set(1, leader)
    const follower = hostReplicas({ metadata: metadata2, brokerId: 2, dir: tempDir(), connector })
    connector.hosts.set(2, follower)
    await Promise.all([leader.replicas.sync(), follower.replicas.sync()])
    await leader.handler.produce(produceRequest('t', batchOf(['a', 'b']), { acks: -1 }))

    // Broker 2 learns it leads at epoch 1 and writes its own offset 2.
    const change: MetadataRecord = {
      type: 'partition-change',
      topicId,
      partition: 0,
      leader: 2,
      isr: [2],
    }
    metadata2.apply(change)
    await follower.replicas.sync()
    expect(await follower.handler.produce(produceRequest('t', batchOf(['new'])))).toMatchObject({
      errorCode: Code.None,
      baseOffset: 2,
    })
    // Broker 1 has not heard yet: a produce it takes now is queued on its log (the group commit
    // runs at the next turn of the event loop), and then it learns it no longer leads.
    const stale = leader.handler.produce(produceRequest('t', batchOf(['stale'])))
    for (let i = 0; i < 10; i++) await Promise.resolve()
    metadata1.apply(change)
    await leader.replicas.sync()
    await stale
    const log = leader.replicas.replica('t', 0)?.log
    await until(() => log?.logEndOffset === 3 && log.latestEpoch === 1)
    const values = log
      ?.read(0, 1 << 20)
      .batches.flatMap((batch) => recordsOf(batch).map((r) => r.value))
    expect(values).toEqual(['a', 'b', 'new'])
  })
})

describe('PartitionLeadership', () => {
  const state = (isr: number[], partitionEpoch: number) => ({
    partition: 0,
    replicas: [1, 2],
    isr,
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch,
  })

  it('counts a member it asked to add before the image shows it (the maximal ISR)', async () => {
    const log = await PartitionLog.open({ dir: tempDir(), config: { flushMode: 'os' } })
    onTestFinished(() => log.close())
    await log.append(batchOf(['a', 'b', 'c']), 0)
    const leadership = new PartitionLeadership({ brokerId: 1, state: state([1], 0), log, now: 0 })
    leadership.recordFetch(2, 1, log.logEndOffset, 0)
    leadership.pendingIsr = { isr: [1, 2], basedOnPartitionEpoch: 0, retryAtMs: 0 }
    leadership.advance(log, state([1], 0))
    expect(log.highWatermark).toBe(1)
    // Once the image has moved past the change (here: it did not add broker 2), the image rules.
    leadership.advance(log, state([1], 1))
    expect(log.highWatermark).toBe(3)
    expect(leadership.pendingIsr).toBeUndefined()
  })

  it('never moves the high watermark down, and fails waiting produces when it ends', async () => {
    const log = await PartitionLog.open({ dir: tempDir(), config: { flushMode: 'os' } })
    onTestFinished(() => log.close())
    await log.append(batchOf(['a', 'b']), 0)
    const leadership = new PartitionLeadership({ brokerId: 1, state: state([1], 0), log, now: 0 })
    leadership.advance(log, state([1], 0))
    expect(log.highWatermark).toBe(2)
    leadership.advance(log, state([1, 2], 1))
    expect(log.highWatermark).toBe(2)
    await log.append(batchOf(['c']), 0)
    const waiting = leadership.waitForCommit(log, 3, 60_000)
    leadership.end('leader epoch 1 replaced 0')
    await expect(waiting).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' })
  })
})

describe('truncationOffset', () => {
  const log = (end: number, hw: number, epochs: [number, number][]) => ({
    logEndOffset: end,
    highWatermark: hw,
    endOffsetForEpoch(epoch: number) {
      const next = epochs.find(([e]) => e > epoch)
      const floor = epochs.findLast(([e]) => e <= epoch)
      if (floor === undefined) return { epoch: -1, endOffset: -1 }
      return { epoch: floor[0], endOffset: next === undefined ? end : next[1] }
    },
  })

  it("keeps what both logs hold of the follower's latest epoch", () => {
    expect(truncationOffset(log(10, 5, [[0, 0]]), 0, { leaderEpoch: 0, endOffset: 8 })).toBe(8)
    expect(truncationOffset(log(6, 5, [[0, 0]]), 0, { leaderEpoch: 0, endOffset: 8 })).toBe(6)
  })

  it('cuts at the end of an older epoch when the leader never had the latest', () => {
    const follower = log(12, 5, [
      [0, 0],
      [2, 9],
    ])
    // The leader's largest epoch ≤ 2 is 0, ending at 10 in its log; epoch 0 ends at 9 here.
    expect(truncationOffset(follower, 2, { leaderEpoch: 0, endOffset: 10 })).toBe(9)
  })

  it("falls back to the leader's log end, then to the own high watermark", () => {
    expect(truncationOffset(log(7, 3, [[0, 0]]), 0, { leaderEpoch: -1, endOffset: 4 })).toBe(4)
    expect(truncationOffset(log(7, 3, [[0, 0]]), 0, { leaderEpoch: -1, endOffset: -1 })).toBe(3)
  })
})
