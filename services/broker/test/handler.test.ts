import { Acks, IsolationLevel } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import {
  batchOf,
  concat,
  fetchRequest,
  hostReplicas,
  produceRequest,
  recordsOf,
  until,
} from './helpers.ts'

/** Kafka's numeric codes, as responses carry them. */
const Code = {
  None: 0,
  OffsetOutOfRange: 1,
  CorruptMessage: 2,
  UnknownTopicOrPartition: 3,
  NotLeaderOrFollower: 6,
  MessageTooLarge: 10,
  NotEnoughReplicas: 19,
  InvalidRequest: 42,
  FencedLeaderEpoch: 74,
  UnknownLeaderEpoch: 75,
} as const

async function leaderOf(topic: string, configs: Record<string, string> = {}) {
  const host = hostReplicas()
  host.metadata.registerBroker(1)
  host.metadata.registerBroker(2)
  host.metadata.createTopic(topic, { configs })
  await host.replicas.sync()
  return host
}

describe('DataPlaneHandler', () => {
  it('produces and fetches: offsets assigned in order, records decoded back by core', async () => {
    const { handler } = await leaderOf('t')
    const first = await handler.produce(produceRequest('t', batchOf(['a', 'b'])))
    const second = await handler.produce(produceRequest('t', batchOf(['c'])))
    expect(first).toEqual({
      errorCode: 0,
      errorMessage: null,
      baseOffset: 0,
      logAppendTime: -1,
      logStartOffset: 0,
    })
    expect(second.baseOffset).toBe(2)

    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(fetched.errorCode).toBe(Code.None)
    expect(fetched.highWatermark).toBe(3)
    expect(fetched.logEndOffset).toBe(3)
    expect(recordsOf(fetched.records)).toEqual([
      { offset: 0, value: 'a' },
      { offset: 1, value: 'b' },
      { offset: 2, value: 'c' },
    ])
    // From the middle of the log: the batch holding offset 2 onwards.
    expect(recordsOf((await handler.fetch(fetchRequest('t', 2))).records)).toEqual([
      { offset: 2, value: 'c' },
    ])
    expect(await handler.listOffsets({ topic: 't', partition: 0, timestamp: -2 })).toMatchObject({
      errorCode: 0,
      offset: 0,
    })
    expect(await handler.listOffsets({ topic: 't', partition: 0, timestamp: -1 })).toMatchObject({
      errorCode: 0,
      offset: 3,
      highWatermark: 3,
    })
  })

  it('appends every batch of a request, contiguously, and answers with the first base offset', async () => {
    const { handler } = await leaderOf('t')
    await handler.produce(produceRequest('t', batchOf(['before'])))
    const response = await handler.produce(
      produceRequest('t', concat(batchOf(['x', 'y']), batchOf(['z']))),
    )
    expect(response.baseOffset).toBe(1)
    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(recordsOf(fetched.records).map((r) => r.value)).toEqual(['before', 'x', 'y', 'z'])
    expect(fetched.highWatermark).toBe(4)
  })

  it('answers acks=0 and acks=all like acks=1 at replication factor 1', async () => {
    const { handler } = await leaderOf('t')
    const none = await handler.produce(produceRequest('t', batchOf(['a']), { acks: Acks.None }))
    const all = await handler.produce(produceRequest('t', batchOf(['b']), { acks: Acks.All }))
    expect([none.baseOffset, all.baseOffset]).toEqual([0, 1])
  })

  it('refuses acks=all when min.insync.replicas exceeds the ISR', async () => {
    const { handler } = await leaderOf('t', { 'min.insync.replicas': '2' })
    const all = await handler.produce(produceRequest('t', batchOf(['a']), { acks: Acks.All }))
    expect(all.errorCode).toBe(Code.NotEnoughReplicas)
    const one = await handler.produce(produceRequest('t', batchOf(['a']), { acks: Acks.Leader }))
    expect(one).toMatchObject({ errorCode: 0, baseOffset: 0 })
  })

  it('stores nothing of a request holding a corrupt or oversized batch', async () => {
    const { handler } = await leaderOf('t', { 'max.message.bytes': '500' })
    const corrupt = batchOf(['damaged'])
    corrupt.set([(corrupt.at(-1) ?? 0) ^ 0xff], corrupt.length - 1)
    expect((await handler.produce(produceRequest('t', corrupt))).errorCode).toBe(
      Code.CorruptMessage,
    )
    const secondCorrupt = await handler.produce(
      produceRequest('t', concat(batchOf(['fine']), corrupt)),
    )
    expect(secondCorrupt).toMatchObject({ errorCode: Code.CorruptMessage, baseOffset: -1 })
    const large = await handler.produce(
      produceRequest('t', concat(batchOf(['fine']), batchOf(['x'.repeat(600)]))),
    )
    expect(large.errorCode).toBe(Code.MessageTooLarge)
    const truncated = await handler.produce(produceRequest('t', batchOf(['cut']).subarray(0, 30)))
    expect(truncated.errorCode).toBe(Code.CorruptMessage)
    const empty = await handler.produce(produceRequest('t', new Uint8Array(0)))
    expect(empty.errorCode).toBe(Code.InvalidRequest)

    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(fetched.logEndOffset).toBe(0)
    expect(recordsOf(fetched.records)).toEqual([])
  })

  it('answers NOT_LEADER_OR_FOLLOWER and UNKNOWN_TOPIC_OR_PARTITION in the response', async () => {
    const { metadata, replicas, handler } = await leaderOf('t')
    metadata.createTopic('led-by-2', { replicas: [2, 1] })
    await replicas.sync()
    const batch = () => batchOf(['a'])
    const unknownTopic = await handler.produce(produceRequest('nope', batch()))
    expect(unknownTopic).toMatchObject({ errorCode: Code.UnknownTopicOrPartition, baseOffset: -1 })
    expect(unknownTopic.errorMessage).toContain('nope-0')
    const unknownPartition = await handler.fetch(fetchRequest('t', 0, { partition: 7 }))
    expect(unknownPartition.errorCode).toBe(Code.UnknownTopicOrPartition)
    const notLeader = await handler.produce(produceRequest('led-by-2', batch()))
    expect(notLeader.errorCode).toBe(Code.NotLeaderOrFollower)
    expect(
      (await handler.listOffsets({ topic: 'led-by-2', partition: 0, timestamp: -1 })).errorCode,
    ).toBe(Code.NotLeaderOrFollower)

    // Leadership moves away: refused at once, without waiting for a sync.
    metadata.changeLeader('t', 0, 2)
    expect((await handler.produce(produceRequest('t', batch()))).errorCode).toBe(
      Code.NotLeaderOrFollower,
    )
    metadata.changeLeader('t', 0, 1)
    metadata.fence(1)
    expect((await handler.fetch(fetchRequest('t', 0))).errorCode).toBe(Code.NotLeaderOrFollower)
  })

  it('refuses fetch offsets outside the log with OFFSET_OUT_OF_RANGE and the log bounds', async () => {
    const { handler } = await leaderOf('t')
    await handler.produce(produceRequest('t', batchOf(['a', 'b'])))
    const past = await handler.fetch(fetchRequest('t', 3))
    expect(past).toMatchObject({
      errorCode: Code.OffsetOutOfRange,
      highWatermark: 2,
      logStartOffset: 0,
      logEndOffset: 2,
    })
    expect(past.records.length).toBe(0)
    expect((await handler.fetch(fetchRequest('t', -1))).errorCode).toBe(Code.OffsetOutOfRange)
    // The log end itself is in range: nothing yet.
    const atEnd = await handler.fetch(fetchRequest('t', 2))
    expect(atEnd.errorCode).toBe(0)
    expect(atEnd.records.length).toBe(0)
  })

  it('lets consumers read only up to the high watermark, whatever their isolation; followers to the log end', async () => {
    const { metadata, replicas, handler } = await leaderOf('t')
    metadata.createTopic('replicated', { replicas: [1, 2] })
    await replicas.sync()
    await handler.produce(produceRequest('replicated', batchOf(['committed'])))
    const log = replicas.replica('replicated', 0)?.log
    // Broker 2 is in the ISR, so the leader's append alone commits nothing.
    expect(log?.highWatermark).toBe(0)
    // As once broker 2 has it too; then an append the high watermark has not reached yet.
    log?.setHighWatermark(1)
    await log?.append(batchOf(['pending']), 0)
    expect([log?.highWatermark, log?.logEndOffset]).toEqual([1, 2])

    for (const isolationLevel of [IsolationLevel.ReadUncommitted, IsolationLevel.ReadCommitted]) {
      const fetched = await handler.fetch(fetchRequest('replicated', 0, { isolationLevel }))
      expect(recordsOf(fetched.records).map((r) => r.value)).toEqual(['committed'])
      expect(fetched).toMatchObject({ highWatermark: 1, logEndOffset: 2 })
    }
    const follower = await handler.fetch(fetchRequest('replicated', 0, { replicaId: 2 }))
    expect(recordsOf(follower.records).map((r) => r.value)).toEqual(['committed', 'pending'])
    const latest = await handler.listOffsets({ topic: 'replicated', partition: 0, timestamp: -1 })
    expect(latest.offset).toBe(1)
  })

  it("treats a sole in-sync replica's whole log as committed, even past a stale checkpoint", async () => {
    const { replicas, handler } = await leaderOf('t')
    await handler.produce(produceRequest('t', batchOf(['acked'])))
    // As after a crash: the log holds a record the checkpointed high watermark does not cover.
    const log = replicas.replica('t', 0)?.log
    await log?.append(batchOf(['also acked']), 0)
    expect([log?.highWatermark, log?.logEndOffset]).toEqual([1, 2])
    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(recordsOf(fetched.records).map((r) => r.value)).toEqual(['acked', 'also acked'])
    expect(fetched.highWatermark).toBe(2)
  })

  it('long-polls a fetch until a produce brings data, woken by the append', async () => {
    const { replicas, handler } = await leaderOf('t')
    const waiting = handler.fetch(fetchRequest('t', 0, { maxWaitMs: 600_000, minBytes: 1 }))
    await until(() => replicas.replica('t', 0)?.waiting === 1)
    await handler.produce(produceRequest('t', batchOf(['wake up'])))
    const fetched = await waiting
    expect(recordsOf(fetched.records)).toEqual([{ offset: 0, value: 'wake up' }])
  })

  it('keeps waiting while fewer than minBytes are there', async () => {
    const { replicas, handler } = await leaderOf('t')
    const small = batchOf(['s']).length
    const waiting = handler.fetch(fetchRequest('t', 0, { maxWaitMs: 600_000, minBytes: small + 1 }))
    let settled = false
    void waiting.then(() => {
      settled = true
    })
    await until(() => replicas.replica('t', 0)?.waiting === 1)
    await handler.produce(produceRequest('t', batchOf(['s'])))
    // Woken, it found too few bytes and waits again.
    await until(() => replicas.replica('t', 0)?.waiting === 1)
    expect(settled).toBe(false)
    await handler.produce(produceRequest('t', batchOf(['t'])))
    expect(recordsOf((await waiting).records).map((r) => r.value)).toEqual(['s', 't'])
  })

  it('answers a long-poll when its wait is over, or the topic is deleted, or the handler closes', async () => {
    const { metadata, replicas, handler } = await leaderOf('t')
    const expired = await handler.fetch(fetchRequest('t', 0, { maxWaitMs: 20, minBytes: 1 }))
    expect(expired).toMatchObject({ errorCode: 0, highWatermark: 0 })
    expect(expired.records.length).toBe(0)

    const deleted = handler.fetch(fetchRequest('t', 0, { maxWaitMs: 600_000, minBytes: 1 }))
    await until(() => replicas.replica('t', 0)?.waiting === 1)
    metadata.deleteTopic('t')
    await replicas.sync()
    expect((await deleted).errorCode).toBe(Code.UnknownTopicOrPartition)

    metadata.createTopic('u')
    await replicas.sync()
    const closing = handler.fetch(fetchRequest('u', 0, { maxWaitMs: 600_000, minBytes: 1 }))
    await until(() => replicas.replica('u', 0)?.waiting === 1)
    await handler.close()
    expect((await closing).errorCode).toBe(0)
    expect((await handler.produce(produceRequest('u', batchOf(['late'])))).errorCode).toBe(
      Code.NotLeaderOrFollower,
    )
  })

  it('checks the fetcher leader epoch (KIP-320)', async () => {
    const { metadata, handler } = await leaderOf('t')
    metadata.changeLeader('t', 0, 2)
    metadata.changeLeader('t', 0, 1) // leader epoch 2 now
    expect((await handler.fetch(fetchRequest('t', 0, { currentLeaderEpoch: 1 }))).errorCode).toBe(
      Code.FencedLeaderEpoch,
    )
    expect((await handler.fetch(fetchRequest('t', 0, { currentLeaderEpoch: 3 }))).errorCode).toBe(
      Code.UnknownLeaderEpoch,
    )
    expect((await handler.fetch(fetchRequest('t', 0, { currentLeaderEpoch: 2 }))).errorCode).toBe(0)
  })

  it('refuses ListOffsets by timestamp, which is not supported yet', async () => {
    const { handler } = await leaderOf('t')
    const response = await handler.listOffsets({ topic: 't', partition: 0, timestamp: 1 })
    expect(response).toMatchObject({ errorCode: Code.InvalidRequest, offset: -1 })
  })
})
