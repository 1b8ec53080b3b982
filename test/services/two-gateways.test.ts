// Issue 4: the gateway keeps no consumer state, so an instance created through one gateway
// process is served through another. Real processes: controller, broker, two gateways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConsumedRecord,
  call,
  createTopic,
  eventually,
  produceTo,
  RestConsumer,
  unb64,
} from '../harness/rest.ts'
import { type ServiceCluster, startServices } from '../harness/services.ts'

let cluster: ServiceCluster

beforeAll(async () => {
  cluster = await startServices({ gateways: 2, gatewayArgs: ['--offsets-topic-num-partitions=3'] })
}, 90_000)

afterAll(async () => {
  await cluster?.close()
})

describe('two gateway processes', () => {
  it('serves an instance created through one gateway through the other', {
    timeout: 90_000,
  }, async () => {
    const [first, second] = cluster.gateways as [string, string]
    await createTopic(first, 'shared', 2)
    await produceTo(first, 'shared', 0, ['a', 'b'])
    await produceTo(first, 'shared', 1, ['c'])

    const viaFirst = await RestConsumer.create(first, 'group-two', {
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
    })
    expect(new URL(viaFirst.baseUri).origin).toBe(first)
    const viaSecond = viaFirst.via(second)
    expect((await viaSecond.subscribe(['shared'])).status).toBe(204)
    const subscription = await call(`${viaFirst.baseUri}/subscription`)
    expect(subscription.body).toEqual({ topics: ['shared'] })

    const got: ConsumedRecord[] = []
    await eventually(async () => {
      got.push(...(await viaSecond.poll(200)))
      return got.length >= 3
    })
    expect(got.map((record) => unb64(record.value)).sort()).toEqual(['a', 'b', 'c'])
    expect((await viaFirst.commit()).status).toBe(200)
    const committed = await viaSecond.committed([
      { topic: 'shared', partition: 0 },
      { topic: 'shared', partition: 1 },
    ])
    expect(committed.map(({ partition, offset }) => ({ partition, offset }))).toEqual([
      { partition: 0, offset: 2 },
      { partition: 1, offset: 1 },
    ])
    expect((await viaSecond.delete()).status).toBe(204)
    expect((await viaFirst.pollRaw(10)).status).toBe(404)
  })
})
