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

  it('elects an out-of-sync replica only where unclean.leader.election.enable is true', async () => {
    const started = await startController()
    const { controller, clock } = started
    const epoch1 = await addBroker(controller, 1)
    const epoch2 = await addBroker(controller, 2)
    const unclean = { 'unclean.leader.election.enable': 'true' }
    await controller.createTopic({
      name: 'u',
      partitions: 1,
      replicationFactor: 2,
      configs: unclean,
    })
    await controller.createTopic({ name: 'c', partitions: 1, replicationFactor: 2 })
    const state = (topic: string) => controller.image.topic(topic)?.partitions[0]
    const first = state('u')?.replicas[0] as number
    const second = first === 1 ? 2 : 1
    const epochOf = (id: number) => (id === 1 ? epoch1 : epoch2)
    // The first replica goes silent: the second leads alone.
    clock.advance(SESSION_TIMEOUT_MS / 2)
    await controller.brokerHeartbeat({
      brokerId: second,
      brokerEpoch: epochOf(second),
      metadataOffset: 0,
    })
    clock.advance(SESSION_TIMEOUT_MS / 2)
    expect(await controller.fenceExpiredBrokers()).toEqual([first])
    expect(state('u')).toMatchObject({ leader: second, isr: [second] })
    // Then the second: nobody is left, both partitions go offline with it as the last ISR member.
    clock.advance(SESSION_TIMEOUT_MS)
    expect(await controller.fenceExpiredBrokers()).toEqual([second])
    expect(state('u')).toMatchObject({ leader: -1, isr: [second] })
    expect(state('c')).toMatchObject({ leader: -1, isr: [second] })
    // The first comes back, out of sync: only the unclean topic takes it as leader.
    await controller.brokerHeartbeat({
      brokerId: first,
      brokerEpoch: epochOf(first),
      metadataOffset: controller.image.offset,
    })
    expect(state('u')).toMatchObject({ leader: first, isr: [first] })
    expect(state('c')).toMatchObject({ leader: -1, isr: [second] })
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
