import { ErrorCode } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import {
  addBroker,
  eventually,
  SESSION_TIMEOUT_MS,
  type StartedController,
  startController,
} from './harness.ts'

const endpoints = [{ name: 'client', host: '127.0.0.1', port: 9092 }]

function leaders(started: StartedController, topic: string) {
  return started.controller.image.topic(topic)?.partitions.map((p) => p.leader)
}

describe('Controller: broker registration and heartbeats', () => {
  it('gives each registration the offset of its record as epoch; it starts fenced', async () => {
    const { controller, log } = await startController()
    const first = await controller.registerBroker({ brokerId: 7, incarnationId: 'a', endpoints })
    expect(first.metadataOffset).toBe(first.brokerEpoch)
    const [entry] = await log.read(first.brokerEpoch, 1)
    expect(entry?.record).toEqual({
      type: 'register-broker',
      brokerId: 7,
      incarnationId: 'a',
      brokerEpoch: first.brokerEpoch,
      endpoints,
      rack: null,
      fenced: true,
    })
    expect(controller.image.broker(7)?.fenced).toBe(true)

    const behind = await controller.brokerHeartbeat({
      brokerId: 7,
      brokerEpoch: first.brokerEpoch,
      metadataOffset: first.brokerEpoch - 1,
    })
    expect(behind).toEqual({ fenced: true })
    expect(controller.image.broker(7)?.fenced).toBe(true)
    const caughtUp = await controller.brokerHeartbeat({
      brokerId: 7,
      brokerEpoch: first.brokerEpoch,
      metadataOffset: first.brokerEpoch,
    })
    expect(caughtUp).toEqual({ fenced: false })
    expect(controller.image.broker(7)?.fenced).toBe(false)
    const unfenceAt = await log.lastOffset()
    expect((await log.read(unfenceAt))[0]?.record).toEqual({
      type: 'unfence-broker',
      brokerId: 7,
      brokerEpoch: first.brokerEpoch,
    })
    const steady = await controller.brokerHeartbeat({
      brokerId: 7,
      brokerEpoch: first.brokerEpoch,
      metadataOffset: unfenceAt,
    })
    expect(steady).toEqual({ fenced: false })
    expect(await log.lastOffset()).toBe(unfenceAt)

    const second = await controller.registerBroker({ brokerId: 7, incarnationId: 'b', endpoints })
    expect(second.brokerEpoch).toBeGreaterThan(first.brokerEpoch)
    expect(controller.image.broker(7)).toMatchObject({ incarnationId: 'b', fenced: true })
    await expect(
      controller.brokerHeartbeat({
        brokerId: 7,
        brokerEpoch: first.brokerEpoch,
        metadataOffset: second.metadataOffset,
      }),
    ).rejects.toMatchObject({ code: ErrorCode.StaleBrokerEpoch })
    await expect(
      controller.brokerHeartbeat({ brokerId: 8, brokerEpoch: 0, metadataOffset: 0 }),
    ).rejects.toMatchObject({ code: ErrorCode.StaleBrokerEpoch, message: /not registered/ })
    await expect(
      controller.registerBroker({ brokerId: -1, incarnationId: 'x', endpoints }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidRequest })
  })

  it('fences a broker whose session ran out; its partitions go offline', async () => {
    const started = await startController()
    const { controller, clock, log } = started
    const epoch1 = await addBroker(controller, 1)
    const epoch2 = await addBroker(controller, 2)
    await controller.createTopic({ name: 't', partitions: 4, replicationFactor: 1 })
    expect(leaders(started, 't')).toEqual([1, 2, 1, 2])

    clock.advance(SESSION_TIMEOUT_MS / 2)
    expect(await controller.fenceExpiredBrokers()).toEqual([])
    await controller.brokerHeartbeat({ brokerId: 2, brokerEpoch: epoch2, metadataOffset: 0 })
    clock.advance(SESSION_TIMEOUT_MS / 2)
    const before = await log.lastOffset()
    expect(await controller.fenceExpiredBrokers()).toEqual([1])
    expect(controller.image.broker(1)?.fenced).toBe(true)
    expect(controller.image.broker(2)?.fenced).toBe(false)
    const partitions = controller.image.topic('t')?.partitions ?? []
    expect(partitions.map((p) => p.leader)).toEqual([-1, 2, -1, 2])
    expect(partitions.map((p) => p.leaderEpoch)).toEqual([1, 0, 1, 0])
    // The last member of an ISR stays in it, so the partition can come back without data loss.
    expect(partitions.map((p) => p.isr)).toEqual([[1], [2], [1], [2]])
    const records = (await log.read(before + 1)).map((entry) => entry.record)
    expect(records[0]).toEqual({ type: 'fence-broker', brokerId: 1, brokerEpoch: epoch1 })
    expect(records.slice(1).map((r) => r.type)).toEqual(['partition-change', 'partition-change'])
    expect(await controller.fenceExpiredBrokers()).toEqual([])

    // New partitions go only to unfenced brokers.
    await controller.createTopic({ name: 'u', partitions: 2, replicationFactor: 1 })
    expect(leaders(started, 'u')).toEqual([2, 2])
  })

  it('unfencing gives a broker its offline and preferred partitions back', async () => {
    const started = await startController()
    const { controller, clock } = started
    const epoch1 = await addBroker(controller, 1)
    const epoch2 = await addBroker(controller, 2)
    await controller.createTopic({ name: 't', partitions: 2, replicationFactor: 1 })
    clock.advance(SESSION_TIMEOUT_MS / 2)
    await controller.brokerHeartbeat({ brokerId: 2, brokerEpoch: epoch2, metadataOffset: 0 })
    clock.advance(SESSION_TIMEOUT_MS / 2)
    await controller.fenceExpiredBrokers()
    expect(leaders(started, 't')).toEqual([-1, 2])

    const answer = await controller.brokerHeartbeat({
      brokerId: 1,
      brokerEpoch: epoch1,
      metadataOffset: controller.image.offset,
    })
    expect(answer).toEqual({ fenced: false })
    expect(leaders(started, 't')).toEqual([1, 2])
    expect(controller.image.topic('t')?.partitions[0]?.leaderEpoch).toBe(2)
  })

  it('a new registration of a broker in service takes its leaderships until it catches up', async () => {
    const started = await startController()
    const { controller } = started
    await addBroker(controller, 1)
    await controller.createTopic({ name: 't', partitions: 2, replicationFactor: 1 })
    const again = await controller.registerBroker({
      brokerId: 1,
      incarnationId: 'restarted',
      endpoints,
    })
    expect(leaders(started, 't')).toEqual([-1, -1])
    await controller.brokerHeartbeat({
      brokerId: 1,
      brokerEpoch: again.brokerEpoch,
      metadataOffset: again.metadataOffset,
    })
    expect(leaders(started, 't')).toEqual([1, 1])
  })

  it('the session timer fences on its own', async () => {
    const { controller, clock } = await startController({ sessionCheckIntervalMs: 10 })
    await addBroker(controller, 1)
    clock.advance(SESSION_TIMEOUT_MS)
    await eventually(() => controller.image.broker(1)?.fenced === true)
  })

  it('a controller that takes over gives every broker a full session first', async () => {
    const first = await startController()
    await addBroker(first.controller, 1)
    const second = await startController({
      dir: first.dir,
      nodeId: 'controller-2',
      active: false,
    })
    await first.stop()
    await second.controller.whenActive()
    expect(await second.controller.fenceExpiredBrokers()).toEqual([])
    second.clock.advance(SESSION_TIMEOUT_MS)
    expect(await second.controller.fenceExpiredBrokers()).toEqual([1])
  })
})
