import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCode, MetadataFollower, TributaryError } from '@tributary/core'
import { EmbeddedMetadataLog } from '@tributary/storage'
import { describe, expect, it } from 'vitest'
import { PARTITION_METADATA_FILE, ReplicaManager, readTopicId } from '../src/replica/index.ts'
import {
  batchOf,
  fetchRequest,
  hostReplicas,
  produceRequest,
  recordsOf,
  TestMetadata,
  tempDir,
} from './helpers.ts'

function codeOf(action: () => unknown): string | undefined {
  try {
    action()
  } catch (error) {
    if (error instanceof TributaryError) return error.code
    throw error
  }
  return undefined
}

describe('ReplicaManager', () => {
  it('opens a log for every partition whose replicas include this broker, and only those', async () => {
    const { metadata, replicas, dir } = hostReplicas()
    metadata.registerBroker(1)
    metadata.registerBroker(2)
    const ordersId = metadata.createTopic('orders', { partitions: 2, replicas: [1] })
    metadata.createTopic('elsewhere', { replicas: [2] })
    await replicas.sync()

    expect(replicas.replicas.map((r) => `${r.topic}-${r.partition}`).sort()).toEqual([
      'orders-0',
      'orders-1',
    ])
    expect(readdirSync(dir).sort()).toEqual(['orders-0', 'orders-1'])
    expect(readTopicId(join(dir, 'orders-0'))).toBe(ordersId)
    expect(readFileSync(join(dir, 'orders-1', PARTITION_METADATA_FILE), 'utf8')).toBe(
      `version: 0\ntopic_id: ${ordersId}\n`,
    )
    expect(replicas.syncedOffset).toBe(metadata.image.offset)
    expect(replicas.ledPartitions).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ])
  })

  it('refuses partitions it does not lead, does not know, or while it is fenced', async () => {
    const { metadata, replicas } = hostReplicas()
    metadata.registerBroker(1)
    metadata.registerBroker(2)
    metadata.createTopic('mine', { replicas: [1] })
    metadata.createTopic('theirs', { replicas: [2, 1] })
    await replicas.sync()

    expect(replicas.leaderOf('mine', 0).replica.topic).toBe('mine')
    expect(codeOf(() => replicas.leaderOf('mine', 1))).toBe(ErrorCode.UnknownTopicOrPartition)
    expect(codeOf(() => replicas.leaderOf('nope', 0))).toBe(ErrorCode.UnknownTopicOrPartition)
    // A follower replica is hosted, but requests for it go to the leader.
    expect(replicas.replica('theirs', 0)).toBeDefined()
    expect(codeOf(() => replicas.leaderOf('theirs', 0))).toBe(ErrorCode.NotLeaderOrFollower)

    metadata.fence(1)
    expect(codeOf(() => replicas.leaderOf('mine', 0))).toBe(ErrorCode.NotLeaderOrFollower)
    expect(replicas.ledPartitions).toEqual([])
  })

  it('leads nothing while the image holds an earlier incarnation of this broker', async () => {
    const metadata = new TestMetadata()
    metadata.registerBroker(1, { incarnationId: 'before-restart' })
    metadata.createTopic('t')
    const dir = tempDir()
    const replicas = new ReplicaManager({
      brokerId: 1,
      dir,
      image: metadata.image,
      incarnationId: 'now',
      logConfig: { flushMode: 'os' },
    })
    await replicas.sync()
    expect(codeOf(() => replicas.leaderOf('t', 0))).toBe(ErrorCode.NotLeaderOrFollower)
    metadata.registerBroker(1, { incarnationId: 'now' })
    expect(replicas.leaderOf('t', 0).replica.topic).toBe('t')
    await replicas.close()
  })

  it('deletes the data of a deleted topic, and a re-created topic of the same name starts empty', async () => {
    const { metadata, replicas, handler, dir } = hostReplicas()
    metadata.registerBroker(1)
    metadata.createTopic('t')
    await replicas.sync()
    await handler.produce(produceRequest('t', batchOf(['old'])))

    metadata.deleteTopic('t')
    await replicas.sync()
    expect(existsSync(join(dir, 't-0'))).toBe(false)
    expect(replicas.replicas).toEqual([])

    const newId = metadata.createTopic('t')
    await replicas.sync()
    expect(readTopicId(join(dir, 't-0'))).toBe(newId)
    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(fetched.highWatermark).toBe(0)
    expect(recordsOf(fetched.records)).toEqual([])
  })

  it('empties a directory left by an earlier topic of the same name that it never saw deleted', async () => {
    const dir = tempDir()
    const first = hostReplicas({ dir })
    first.metadata.registerBroker(1)
    first.metadata.createTopic('t')
    await first.replicas.sync()
    await first.handler.produce(produceRequest('t', batchOf(['from the old topic'])))
    await first.replicas.close()

    // Restarted with metadata in which "t" was deleted and re-created while it was down.
    const second = hostReplicas({ dir })
    second.metadata.registerBroker(1)
    second.metadata.createTopic('t')
    await second.replicas.sync()
    const fetched = await second.handler.fetch(fetchRequest('t', 0))
    expect(fetched.errorCode).toBe(0)
    expect(fetched.logEndOffset).toBe(0)
  })

  it('keeps the data of its topics across a restart', async () => {
    const dir = tempDir()
    const metadata = new TestMetadata()
    metadata.registerBroker(1)
    metadata.createTopic('t')
    const first = hostReplicas({ dir, metadata })
    await first.replicas.sync()
    await first.handler.produce(produceRequest('t', batchOf(['kept'])))
    await first.replicas.close()

    const second = hostReplicas({ dir, metadata })
    await second.replicas.sync()
    const fetched = await second.handler.fetch(fetchRequest('t', 0))
    expect(recordsOf(fetched.records)).toEqual([{ offset: 0, value: 'kept' }])
    expect(fetched.highWatermark).toBe(1)
  })

  it('removes stray directories only when asked, and never an assigned one', async () => {
    const { metadata, replicas, dir } = hostReplicas()
    metadata.registerBroker(1)
    metadata.createTopic('kept')
    mkdirSync(join(dir, 'gone-0'))
    writeFileSync(join(dir, 'gone-0', PARTITION_METADATA_FILE), 'version: 0\ntopic_id: x\n')
    mkdirSync(join(dir, 'not-a-partition'))
    await replicas.sync()
    expect(existsSync(join(dir, 'gone-0'))).toBe(true)

    expect(await replicas.removeStrayReplicas()).toEqual(['gone-0'])
    expect(readdirSync(dir).sort()).toEqual(['kept-0', 'not-a-partition'])
  })

  it('passes the topic configs to the log and reopens it when they change, keeping its data', async () => {
    const { metadata, replicas, handler } = hostReplicas()
    metadata.registerBroker(1)
    metadata.createTopic('t', { configs: { 'max.message.bytes': '5000' } })
    await replicas.sync()
    expect(replicas.replica('t', 0)?.log.config.maxMessageBytes).toBe(5000)
    await handler.produce(produceRequest('t', batchOf(['a'])))

    metadata.setConfig('t', 'max.message.bytes', '100')
    await replicas.sync()
    expect(replicas.replica('t', 0)?.log.config.maxMessageBytes).toBe(100)
    const tooLarge = await handler.produce(produceRequest('t', batchOf(['x'.repeat(200)])))
    expect(tooLarge.errorCode).toBe(10) // MESSAGE_TOO_LARGE
    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(recordsOf(fetched.records)).toEqual([{ offset: 0, value: 'a' }])
  })

  it('applies retention: closed segments past retention.ms go and the log start moves', async () => {
    const { metadata, replicas, handler } = hostReplicas()
    metadata.registerBroker(1)
    // Every batch gets a segment of its own; the batches' timestamps are from 2023.
    metadata.createTopic('t', { configs: { 'segment.bytes': '14', 'retention.ms': '60000' } })
    await replicas.sync()
    for (const value of ['a', 'b', 'c']) {
      await handler.produce(produceRequest('t', batchOf([value])))
    }
    expect(replicas.applyRetention()).toBeGreaterThan(0)
    const earliest = await handler.listOffsets({ topic: 't', partition: 0, timestamp: -2 })
    expect(earliest.offset).toBeGreaterThan(0)
    const fetched = await handler.fetch(fetchRequest('t', 0))
    expect(fetched.errorCode).toBe(1) // OFFSET_OUT_OF_RANGE: below the new log start
  })

  it('follows the metadata log through a MetadataFollower', async () => {
    const dir = tempDir()
    const log = await EmbeddedMetadataLog.open({ dir: join(dir, 'metadata'), pollIntervalMs: 10 })
    const follower = new MetadataFollower()
    const replicas = new ReplicaManager({
      brokerId: 1,
      dir: join(dir, 'broker-1'),
      image: follower.image,
      logConfig: { flushMode: 'os' },
    })
    const stop = replicas.follow(follower)
    follower.start(log)
    try {
      const topicId = 'followed-id'
      const partition = (index: number) => ({
        type: 'partition' as const,
        topicId,
        partition: index,
        replicas: [1],
        isr: [1],
        leader: 1,
        leaderEpoch: 0,
        partitionEpoch: 0,
      })
      const last = await log.append(
        [
          {
            type: 'register-broker',
            brokerId: 1,
            incarnationId: 'i',
            brokerEpoch: 0,
            endpoints: [],
            rack: null,
            fenced: false,
          },
          { type: 'topic', name: 'followed', topicId },
          partition(0),
          partition(1),
        ],
        { controllerEpoch: 1, expectedLastOffset: -1 },
      )
      await follower.waitFor(last)
      await replicas.sync()
      expect(replicas.replicas.map((r) => r.partition).sort()).toEqual([0, 1])
      expect(replicas.syncedOffset).toBe(last)
    } finally {
      stop()
      follower.stop()
      await replicas.close()
      await log.close()
    }
  })
})
