import { ErrorCode, MetadataImage, type TributaryError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { addBroker, eventually, startController } from './harness.ts'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Expects `promise` to reject with `code` and to have appended nothing to `log`. */
async function refused(
  promise: Promise<unknown>,
  code: string,
  log: { lastOffset(): Promise<number> },
  before: number,
): Promise<TributaryError> {
  const error = (await promise.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  )) as TributaryError
  expect(error.code).toBe(code)
  expect(await log.lastOffset()).toBe(before)
  return error
}

describe('Controller: the cluster record', () => {
  it('writes a cluster id once, on an empty log, and keeps it across restarts', async () => {
    const first = await startController()
    const clusterId = first.controller.image.clusterId
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const entries = await first.log.read(0)
    // The cluster record, then the no-op that opens each controller's term.
    expect(entries.map((entry) => entry.record)).toEqual([
      { type: 'cluster', clusterId },
      { type: 'no-op' },
    ])
    expect(entries[0]?.controllerEpoch).toBe(first.controller.controllerEpoch)
    await first.stop()

    const again = await startController({ dir: first.dir })
    expect(again.controller.image.clusterId).toBe(clusterId)
    const later = await again.log.read(0)
    expect(later.map((entry) => entry.record.type)).toEqual(['cluster', 'no-op', 'no-op'])
    expect(again.controller.controllerEpoch).toBeGreaterThan(entries[0]?.controllerEpoch ?? 0)
    expect(later.at(-1)?.controllerEpoch).toBe(again.controller.controllerEpoch)
  })
})

describe('Controller: topics', () => {
  it('creates a topic in one append: topic, partitions spread over brokers, configs', async () => {
    const { controller, log } = await startController()
    for (const id of [1, 2, 3]) await addBroker(controller, id)
    const before = await log.lastOffset()
    const { metadataOffset } = await controller.createTopic({
      name: 'orders',
      partitions: 6,
      replicationFactor: 1,
      configs: { 'retention.ms': ' 60000 ', 'cleanup.policy': 'delete' },
    })
    expect(metadataOffset).toBe(await log.lastOffset())
    const entries = await log.read(before + 1)
    expect(entries).toHaveLength(1 + 6 + 2)
    expect(new Set(entries.map((entry) => entry.timestamp)).size).toBe(1)
    const topic = controller.image.topic('orders')
    expect(topic?.topicId).toMatch(uuid)
    expect(topic?.partitions.map((p) => p.leader)).toEqual([1, 2, 3, 1, 2, 3])
    expect(topic?.partitions.every((p) => p.isr.join() === p.replicas.join())).toBe(true)
    expect(topic?.configs).toEqual({ 'retention.ms': '60000', 'cleanup.policy': 'delete' })

    await controller.createTopic({ name: 'payments', partitions: 1, replicationFactor: 1 })
    expect(controller.image.topic('payments')?.topicId).not.toBe(topic?.topicId)
  })

  it('refuses what Kafka refuses, with its error code, appending nothing', async () => {
    const { controller, log } = await startController()
    const noBrokers = await log.lastOffset()
    const create = (request: Record<string, unknown>) =>
      controller.createTopic({
        name: 't',
        partitions: 1,
        replicationFactor: 1,
        ...request,
      } as never)
    const none = await refused(create({}), ErrorCode.InvalidReplicationFactor, log, noBrokers)
    expect(none.message).toMatch(/available brokers: 0/)

    await addBroker(controller, 1)
    await addBroker(controller, 2)
    await controller.createTopic({ name: 'a_b', partitions: 1, replicationFactor: 1 })
    const at = await log.lastOffset()
    await refused(create({ name: 'bad/name' }), ErrorCode.InvalidTopic, log, at)
    await refused(create({ name: '..' }), ErrorCode.InvalidTopic, log, at)
    await refused(create({ name: 'x'.repeat(250) }), ErrorCode.InvalidTopic, log, at)
    await refused(create({ name: 'a_b' }), ErrorCode.TopicAlreadyExists, log, at)
    const collision = await refused(create({ name: 'a.b' }), ErrorCode.InvalidTopic, log, at)
    expect(collision.message).toMatch(/collides with existing topics: a_b/)
    await refused(create({ partitions: 0 }), ErrorCode.InvalidPartitions, log, at)
    await refused(create({ partitions: 10_001 }), ErrorCode.InvalidPartitions, log, at)
    await refused(create({ replicationFactor: 0 }), ErrorCode.InvalidReplicationFactor, log, at)
    const rf3 = await refused(
      create({ replicationFactor: 3 }),
      ErrorCode.InvalidReplicationFactor,
      log,
      at,
    )
    expect(rf3.message).toMatch(/larger than available brokers: 2/)
    const unknownConfig = await refused(
      create({ configs: { 'retention.mss': '1' } }),
      ErrorCode.InvalidConfig,
      log,
      at,
    )
    expect(unknownConfig.message).toMatch(/retention\.mss/)
    await refused(create({ configs: { 'retention.ms': 'soon' } }), ErrorCode.InvalidConfig, log, at)
    await refused(create({ partitions: 'two' }), ErrorCode.InvalidRequest, log, at)
    await refused(create({ extra: true }), ErrorCode.InvalidRequest, log, at)
  })

  it('validateOnly checks everything and appends nothing', async () => {
    const { controller, log } = await startController()
    await addBroker(controller, 1)
    const at = await log.lastOffset()
    const request = { name: 'dry', partitions: 3, replicationFactor: 1, validateOnly: true }
    expect(await controller.createTopic(request)).toEqual({ metadataOffset: at })
    expect(controller.image.topic('dry')).toBeUndefined()
    await refused(
      controller.createTopic({ ...request, configs: { 'segment.bytes': '1' } }),
      ErrorCode.InvalidConfig,
      log,
      at,
    )
    await controller.createTopic({ name: 'wet', partitions: 1, replicationFactor: 1 })
    const after = await log.lastOffset()
    const alter = { name: 'wet', set: { 'retention.ms': '1000' }, validateOnly: true }
    expect(await controller.alterTopicConfigs(alter)).toEqual({ metadataOffset: after })
    expect(controller.image.topic('wet')?.configs).toEqual({})
    await refused(
      controller.alterTopicConfigs({ ...alter, set: { 'retention.ms': 'x' } }),
      ErrorCode.InvalidConfig,
      log,
      after,
    )
  })

  it('deletes a topic; a topic made again under its name is a new topic', async () => {
    const { controller, log } = await startController()
    await addBroker(controller, 1)
    await controller.createTopic({
      name: 'gone',
      partitions: 2,
      replicationFactor: 1,
      configs: { 'retention.ms': '1000' },
    })
    const oldId = controller.image.topic('gone')?.topicId
    const { metadataOffset } = await controller.deleteTopic('gone')
    expect(metadataOffset).toBe(await log.lastOffset())
    expect((await log.read(metadataOffset))[0]?.record).toEqual({
      type: 'remove-topic',
      topicId: oldId,
    })
    expect(controller.image.topic('gone')).toBeUndefined()
    await refused(
      controller.deleteTopic('gone'),
      ErrorCode.UnknownTopicOrPartition,
      log,
      metadataOffset,
    )

    await controller.createTopic({ name: 'gone', partitions: 1, replicationFactor: 1 })
    const again = controller.image.topic('gone')
    expect(again?.topicId).not.toBe(oldId)
    expect(again?.configs).toEqual({})
    expect(again?.partitions).toHaveLength(1)
  })

  it('adds partitions only when the total count grows, continuing the leader rotation', async () => {
    const { controller, log } = await startController()
    for (const id of [1, 2, 3]) await addBroker(controller, id)
    await controller.createTopic({ name: 'grow', partitions: 2, replicationFactor: 1 })
    const { metadataOffset } = await controller.createPartitions({ name: 'grow', totalCount: 5 })
    expect(metadataOffset).toBe(await log.lastOffset())
    const partitions = controller.image.topic('grow')?.partitions ?? []
    expect(partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 1],
      [4, 2],
    ])
    const same = await refused(
      controller.createPartitions({ name: 'grow', totalCount: 5 }),
      ErrorCode.InvalidPartitions,
      log,
      metadataOffset,
    )
    expect(same.message).toMatch(/already has 5 partitions/)
    await refused(
      controller.createPartitions({ name: 'grow', totalCount: 3 }),
      ErrorCode.InvalidPartitions,
      log,
      metadataOffset,
    )
    await refused(
      controller.createPartitions({ name: 'nope', totalCount: 3 }),
      ErrorCode.UnknownTopicOrPartition,
      log,
      metadataOffset,
    )
  })

  it('sets and removes config overrides, validating them; a change to nothing appends nothing', async () => {
    const { controller, log } = await startController()
    await addBroker(controller, 1)
    await controller.createTopic({
      name: 'cfg',
      partitions: 1,
      replicationFactor: 1,
      configs: { 'retention.ms': '1000' },
    })
    await controller.alterTopicConfigs({
      name: 'cfg',
      set: { 'segment.bytes': '1048576', 'message.timestamp.type': 'LogAppendTime' },
      remove: ['retention.ms'],
    })
    expect(controller.image.topic('cfg')?.configs).toEqual({
      'segment.bytes': '1048576',
      'message.timestamp.type': 'LogAppendTime',
    })
    const at = await log.lastOffset()
    const unchanged = await controller.alterTopicConfigs({
      name: 'cfg',
      set: { 'segment.bytes': '1048576' },
      remove: ['retention.ms'],
    })
    expect(unchanged).toEqual({ metadataOffset: at })
    expect(await log.lastOffset()).toBe(at)

    const alter = (request: Record<string, unknown>) =>
      controller.alterTopicConfigs({ name: 'cfg', ...request })
    await refused(alter({ set: { 'no.such': '1' } }), ErrorCode.InvalidConfig, log, at)
    await refused(alter({ remove: ['no.such'] }), ErrorCode.InvalidConfig, log, at)
    await refused(alter({ set: { 'max.message.bytes': '-5' } }), ErrorCode.InvalidConfig, log, at)
    await refused(
      alter({ set: { 'retention.ms': '1' }, remove: ['retention.ms'] }),
      ErrorCode.InvalidRequest,
      log,
      at,
    )
    await refused(alter({ name: 'nope' }), ErrorCode.UnknownTopicOrPartition, log, at)
  })
})

describe('Controller: activity', () => {
  it('a standby answers NOT_CONTROLLER (retriable), follows the log, and takes over', async () => {
    const active = await startController()
    await addBroker(active.controller, 1)
    const standby = await startController({
      dir: active.dir,
      nodeId: 'controller-2',
      active: false,
    })
    expect(standby.controller.active).toBe(false)
    const error = await standby.controller
      .createTopic({ name: 'x', partitions: 1, replicationFactor: 1 })
      .catch((e: unknown) => e as TributaryError)
    expect(error).toMatchObject({ code: ErrorCode.NotController, retriable: true })
    await expect(standby.controller.deleteTopic('x')).rejects.toMatchObject({
      code: ErrorCode.NotController,
    })

    const { metadataOffset } = await active.controller.createTopic({
      name: 'seen',
      partitions: 3,
      replicationFactor: 1,
    })
    await eventually(() => standby.controller.image.offset >= metadataOffset)
    const replayed = new MetadataImage()
    for (const entry of await active.log.read(0)) replayed.apply(entry)
    expect(standby.controller.image.snapshot()).toEqual(active.controller.image.snapshot())
    expect(active.controller.image.snapshot()).toEqual(replayed.snapshot())

    const oldEpoch = active.controller.controllerEpoch
    await active.stop()
    await standby.controller.whenActive()
    expect(standby.controller.controllerEpoch).toBeGreaterThan(oldEpoch)
    await standby.controller.createTopic({ name: 'after', partitions: 1, replicationFactor: 1 })
    expect(standby.controller.image.clusterId).toBe(active.controller.image.clusterId)
    const entries = await standby.log.read(0)
    expect(entries.filter((entry) => entry.record.type === 'cluster')).toHaveLength(1)
  })

  it('a closed controller refuses commands with NOT_CONTROLLER', async () => {
    const { controller, stop } = await startController()
    await stop()
    expect(controller.active).toBe(false)
    await expect(
      controller.registerBroker({ brokerId: 1, incarnationId: 'i', endpoints: [] }),
    ).rejects.toMatchObject({ code: ErrorCode.NotController })
    await expect(controller.whenActive()).rejects.toMatchObject({ code: ErrorCode.NotController })
  })
})
