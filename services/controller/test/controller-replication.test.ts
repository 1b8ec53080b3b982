import { ErrorCode, type TributaryError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { Controller } from '../src/index.ts'
import {
  addBroker,
  SESSION_TIMEOUT_MS,
  type StartedController,
  startController,
} from './harness.ts'

/**
 * Replication on the controller's side, on a real embedded metadata log: replication factors up
 * to the live broker count, ISR changes asked by partition leaders (AlterPartition), and the
 * cluster defaults a controller writes when it takes up its term.
 */

/** Expects `promise` to reject with `code`, having appended nothing. */
async function refused(
  started: StartedController,
  promise: Promise<unknown>,
  code: string,
): Promise<TributaryError> {
  const before = await started.log.lastOffset()
  const error = (await promise.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  )) as TributaryError
  expect(error.code).toBe(code)
  expect(await started.log.lastOffset()).toBe(before)
  return error
}

/** Brokers 1, 2, 3 in service; answers their epochs by id. */
async function threeBrokers(started: StartedController): Promise<Map<number, number>> {
  const epochs = new Map<number, number>()
  for (const id of [1, 2, 3]) epochs.set(id, await addBroker(started.controller, id))
  return epochs
}

describe('Controller: replication factor', () => {
  it('places up to one replica per unfenced broker, the ISR all of them', async () => {
    const started = await startController()
    const { controller, clock } = started
    const epochs = await threeBrokers(started)
    await controller.createTopic({ name: 'r3', partitions: 3, replicationFactor: 3 })
    const partitions = controller.image.topic('r3')?.partitions ?? []
    expect(partitions.map((p) => p.replicas)).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ])
    expect(partitions.map((p) => p.isr)).toEqual(partitions.map((p) => p.replicas))
    expect(partitions.map((p) => p.leader)).toEqual([1, 2, 3])

    const four = await refused(
      started,
      controller.createTopic({ name: 'r4', partitions: 1, replicationFactor: 4 }),
      ErrorCode.InvalidReplicationFactor,
    )
    expect(four.message).toBe('Replication factor: 4 larger than available brokers: 3.')

    // A fenced broker takes no replicas: 3 is now one too many.
    clock.advance(SESSION_TIMEOUT_MS / 2)
    for (const id of [1, 2]) {
      await controller.brokerHeartbeat({
        brokerId: id,
        brokerEpoch: epochs.get(id) ?? -1,
        metadataOffset: controller.image.offset,
      })
    }
    clock.advance(SESSION_TIMEOUT_MS / 2)
    expect(await controller.fenceExpiredBrokers()).toEqual([3])
    await refused(
      started,
      controller.createTopic({ name: 'r3b', partitions: 1, replicationFactor: 3 }),
      ErrorCode.InvalidReplicationFactor,
    )
    await controller.createTopic({ name: 'r2', partitions: 2, replicationFactor: 2 })
    expect(controller.image.topic('r2')?.partitions.map((p) => p.replicas)).toEqual([
      [1, 2],
      [2, 1],
    ])
    await controller.createPartitions({ name: 'r2', totalCount: 3 })
    expect(controller.image.topic('r2')?.partitions[2]?.replicas).toEqual([1, 2])
  })
})

describe('Controller: AlterPartition', () => {
  it('shrinks the ISR with one partition-change and answers the state after it', async () => {
    const started = await startController()
    const { controller, log } = started
    const epochs = await threeBrokers(started)
    await controller.createTopic({ name: 't', partitions: 1, replicationFactor: 3 })
    const topicId = controller.image.topic('t')?.topicId ?? ''
    const ask = { brokerId: 1, brokerEpoch: epochs.get(1) ?? -1, topicId, partition: 0 }
    const before = await log.lastOffset()

    const shrunk = await controller.alterPartition({
      ...ask,
      leaderEpoch: 0,
      partitionEpoch: 0,
      isr: [1, 3],
    })
    expect(shrunk).toEqual({
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 1,
      isr: [1, 3],
      metadataOffset: before + 1,
    })
    expect(await log.lastOffset()).toBe(before + 1)
    expect((await log.read(before + 1))[0]?.record).toEqual({
      type: 'partition-change',
      topicId,
      partition: 0,
      isr: [1, 3],
    })
    expect(controller.image.partition('t', 0)).toMatchObject({ isr: [1, 3], partitionEpoch: 1 })

    // The same ISR again: nothing appended, the current state answered.
    const same = await controller.alterPartition({
      ...ask,
      leaderEpoch: 0,
      partitionEpoch: 1,
      isr: [3, 1],
    })
    expect(same).toEqual(shrunk)
    expect(await log.lastOffset()).toBe(before + 1)

    // A leader that did not see its own change land asks from the old partition epoch.
    await refused(
      started,
      controller.alterPartition({ ...ask, leaderEpoch: 0, partitionEpoch: 0, isr: [1] }),
      ErrorCode.InvalidUpdateVersion,
    )
    // No epochs: the schema refuses it.
    await refused(started, controller.alterPartition(ask as never), ErrorCode.InvalidRequest)
    await refused(
      started,
      controller.alterPartition({
        ...ask,
        brokerId: 2,
        brokerEpoch: epochs.get(2) ?? -1,
        leaderEpoch: 0,
        partitionEpoch: 1,
        isr: [2],
      }),
      ErrorCode.NotLeaderOrFollower,
    )
    await refused(
      started,
      controller.alterPartition({ ...ask, leaderEpoch: 0, partitionEpoch: 1, isr: [] }),
      ErrorCode.InvalidRequest,
    )
  })

  it('restores the preferred leader once it is back in service and back in the ISR', async () => {
    const started = await startController()
    const { controller, clock } = started
    const epochs = await threeBrokers(started)
    await controller.createTopic({ name: 't', partitions: 1, replicationFactor: 3 })
    const topicId = controller.image.topic('t')?.topicId ?? ''

    // Broker 1 misses its session: it leaves the ISR and broker 2 leads.
    clock.advance(SESSION_TIMEOUT_MS / 2)
    for (const id of [2, 3]) {
      await controller.brokerHeartbeat({
        brokerId: id,
        brokerEpoch: epochs.get(id) ?? -1,
        metadataOffset: controller.image.offset,
      })
    }
    clock.advance(SESSION_TIMEOUT_MS / 2)
    expect(await controller.fenceExpiredBrokers()).toEqual([1])
    expect(controller.image.partition('t', 0)).toMatchObject({
      leader: 2,
      isr: [2, 3],
      leaderEpoch: 1,
      partitionEpoch: 1,
    })
    const fromLeader = {
      brokerId: 2,
      brokerEpoch: epochs.get(2) ?? -1,
      topicId,
      partition: 0,
      leaderEpoch: 1,
      partitionEpoch: 1,
      isr: [2, 3, 1],
    }
    // Fenced, broker 1 cannot rejoin the ISR.
    await refused(started, controller.alterPartition(fromLeader), ErrorCode.IneligibleReplica)

    // Back in service, but not in the ISR: leadership stays with broker 2 until it catches up.
    await controller.brokerHeartbeat({
      brokerId: 1,
      brokerEpoch: epochs.get(1) ?? -1,
      metadataOffset: controller.image.offset,
    })
    expect(controller.image.broker(1)?.fenced).toBe(false)
    expect(controller.image.partition('t', 0)?.leader).toBe(2)

    const rejoined = await controller.alterPartition(fromLeader)
    expect(rejoined).toEqual({
      leader: 1,
      leaderEpoch: 2,
      partitionEpoch: 2,
      isr: [1, 2, 3],
      metadataOffset: controller.image.offset,
    })
    // The old leader's next request is fenced.
    await refused(
      started,
      controller.alterPartition({ ...fromLeader, leaderEpoch: 2, partitionEpoch: 2, isr: [1, 2] }),
      ErrorCode.NotLeaderOrFollower,
    )
  })

  it('a standby refuses with NOT_CONTROLLER', async () => {
    const active = await startController()
    const standby = await startController({ dir: active.dir, nodeId: 'c-2', active: false })
    await expect(
      standby.controller.alterPartition({
        brokerId: 1,
        brokerEpoch: 1,
        topicId: 'x',
        partition: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        isr: [1],
      }),
    ).rejects.toMatchObject({ code: ErrorCode.NotController, retriable: true })
  })
})

describe('Controller: cluster defaults', () => {
  it('writes the defaults it is given when it takes up its term, only where they differ', async () => {
    const first = await startController({ defaultReplicationFactor: 3, minInsyncReplicas: 2 })
    const records = (await first.log.read(0)).map((entry) => entry.record)
    expect(records).toEqual([
      { type: 'cluster', clusterId: first.controller.image.clusterId },
      { type: 'no-op' },
      {
        type: 'config',
        resourceType: 'cluster',
        resourceName: '',
        name: 'default.replication.factor',
        value: '3',
      },
      {
        type: 'config',
        resourceType: 'cluster',
        resourceName: '',
        name: 'min.insync.replicas',
        value: '2',
      },
    ])
    expect(first.controller.image.clusterConfigs).toEqual({
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
    })
    await first.stop()

    // The same defaults again: the term opens with its no-op only.
    const same = await startController({
      dir: first.dir,
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
    })
    const afterSame = await same.log.read(records.length)
    expect(afterSame.map((entry) => entry.record.type)).toEqual(['no-op'])
    await same.stop()

    // One changed, one not given: only the changed one is written; the other stays.
    const changed = await startController({ dir: first.dir, minInsyncReplicas: 1 })
    const afterChanged = await changed.log.read(records.length + 1)
    expect(afterChanged.map((entry) => entry.record)).toEqual([
      { type: 'no-op' },
      {
        type: 'config',
        resourceType: 'cluster',
        resourceName: '',
        name: 'min.insync.replicas',
        value: '1',
      },
    ])
    expect(changed.controller.image.clusterConfigs).toEqual({
      'default.replication.factor': '3',
      'min.insync.replicas': '1',
    })
  })

  it('a topic created with replication factor -1 gets the cluster default', async () => {
    const started = await startController({ defaultReplicationFactor: 2 })
    const { controller } = started
    await threeBrokers(started)
    await controller.createTopic({ name: 'auto', partitions: 2, replicationFactor: -1 })
    expect(controller.image.topic('auto')?.partitions.map((p) => p.replicas)).toEqual([
      [1, 2],
      [2, 3],
    ])
    await refused(
      started,
      controller.createTopic({ name: 'bad', partitions: 1, replicationFactor: -2 }),
      ErrorCode.InvalidReplicationFactor,
    )

    const plain = await startController()
    await addBroker(plain.controller, 1)
    await plain.controller.createTopic({ name: 'auto', partitions: 1, replicationFactor: -1 })
    expect(plain.controller.image.partition('auto', 0)?.replicas).toEqual([1])
  })

  it('refuses defaults that are not positive integers', () => {
    for (const options of [
      { defaultReplicationFactor: 0 },
      { defaultReplicationFactor: 40_000 },
      { minInsyncReplicas: 1.5 },
    ]) {
      expect(
        () => new Controller({ ...options, nodeId: 'c', log: {} as never, election: {} as never }),
      ).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }))
    }
  })
})
