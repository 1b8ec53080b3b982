import type { MetadataRecord } from '@tributary/core'
import { describe, expect, test } from 'vitest'
import {
  CLUSTER_ID,
  clusterRecords,
  listen,
  startGateway,
  type TestGateway,
} from './helpers/gateway.ts'

const v3 = `/v3/clusters/${CLUSTER_ID}`
const ORDERS_ID = 'orders-id'

/**
 * A gateway on a real socket whose metadata holds brokers 1-3 and `orders`, replicated three
 * ways: partition 0 led by 2 with broker 1 out of sync, partition 1 led by 3 with all in sync.
 */
async function replicatedCluster() {
  const gw = startGateway()
  gw.log.append([
    ...clusterRecords([2, 3]).filter((record) => record.type === 'register-broker'),
    { type: 'topic', name: 'orders', topicId: ORDERS_ID },
    partition(0, [2, 3, 1], [2, 3], 2),
    partition(1, [3, 1, 2], [3, 1, 2], 3),
  ])
  const origin = `http://127.0.0.1:${await listen(gw)}`
  const base = `${origin}${v3}`
  const get = (path: string) => fetch(`${origin}${path}`)
  return { gw, base, get }
}

function partition(
  id: number,
  replicas: number[],
  isr: number[],
  leader: number,
  topicId = ORDERS_ID,
): MetadataRecord {
  const record = { replicas, isr, leader, leaderEpoch: 0, partitionEpoch: 0 }
  return { type: 'partition', topicId, partition: id, ...record }
}

/** The replica resource as the REST Proxy writes it. */
function replica(
  base: string,
  topic: string,
  partitionId: number,
  broker: number,
  state: { leader: boolean; inSync: boolean },
) {
  return {
    kind: 'KafkaReplica',
    metadata: {
      self: `${base}/topics/${topic}/partitions/${partitionId}/replicas/${broker}`,
      resource_name: `crn:///kafka=${CLUSTER_ID}/topic=${topic}/partition=${partitionId}/replica=${broker}`,
    },
    cluster_id: CLUSTER_ID,
    topic_name: topic,
    partition_id: partitionId,
    broker_id: broker,
    is_leader: state.leader,
    is_in_sync: state.inSync,
    broker: { related: `${base}/brokers/${broker}` },
  }
}

async function expectError(response: Response, status: number, body: unknown): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBe('application/json')
  expect(await response.json()).toEqual(body)
}

describe('v3 partition replicas', () => {
  test('lists a partition’s replicas in assignment order, with leader and ISR membership', async () => {
    const { base, get } = await replicatedCluster()
    const response = await get(`${v3}/topics/orders/partitions/0/replicas`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({
      kind: 'KafkaReplicaList',
      metadata: { self: `${base}/topics/orders/partitions/0/replicas`, next: null },
      data: [
        replica(base, 'orders', 0, 2, { leader: true, inSync: true }),
        replica(base, 'orders', 0, 3, { leader: false, inSync: true }),
        replica(base, 'orders', 0, 1, { leader: false, inSync: false }),
      ],
    })
  })

  test('gets one replica; the partition’s leader link now leads to it', async () => {
    const { base, get } = await replicatedCluster()
    const follower = await get(`${v3}/topics/orders/partitions/0/replicas/1`)
    expect(await follower.json()).toEqual(
      replica(base, 'orders', 0, 1, { leader: false, inSync: false }),
    )
    const partition = (await (await get(`${v3}/topics/orders/partitions/1`)).json()) as {
      leader: { related: string }
    }
    expect(partition.leader.related).toBe(`${base}/topics/orders/partitions/1/replicas/3`)
    const leader = await fetch(partition.leader.related)
    expect(leader.status).toBe(200)
    expect(await leader.json()).toEqual(
      replica(base, 'orders', 1, 3, { leader: true, inSync: true }),
    )
  })

  test('follows the metadata: an ISR expansion and a leader change show on the next request', async () => {
    const { gw, base, get } = await replicatedCluster()
    gw.log.append([
      { type: 'partition-change', topicId: ORDERS_ID, partition: 0, isr: [2, 3, 1] },
      { type: 'partition-change', topicId: ORDERS_ID, partition: 0, leader: 3 },
    ])
    const list = (await (await get(`${v3}/topics/orders/partitions/0/replicas`)).json()) as {
      data: unknown[]
    }
    expect(list.data).toEqual([
      replica(base, 'orders', 0, 2, { leader: false, inSync: true }),
      replica(base, 'orders', 0, 3, { leader: true, inSync: true }),
      replica(base, 'orders', 0, 1, { leader: false, inSync: true }),
    ])
  })

  test('an offline partition has replicas but no leader among them', async () => {
    const { gw, get } = await replicatedCluster()
    gw.log.append([
      { type: 'partition-change', topicId: ORDERS_ID, partition: 1, leader: -1, isr: [3] },
    ])
    const list = (await (await get(`${v3}/topics/orders/partitions/1/replicas`)).json()) as {
      data: { broker_id: number; is_leader: boolean; is_in_sync: boolean }[]
    }
    expect(
      list.data.map(({ broker_id, is_leader, is_in_sync }) => [broker_id, is_leader, is_in_sync]),
    ).toEqual([
      [3, false, true],
      [1, false, false],
      [2, false, false],
    ])
  })

  test('unknown cluster, topic, partition or replica: 404 with the REST Proxy’s codes', async () => {
    const { get } = await replicatedCluster()
    const unknownTopicOrPartition = {
      error_code: 40403,
      message: 'This server does not host this topic-partition.',
    }
    const notFound = { error_code: 404, message: 'HTTP 404 Not Found' }
    await expectError(await get('/v3/clusters/other/topics/orders/partitions/0/replicas'), 404, {
      error_code: 404,
      message: 'Cluster other cannot be found.',
    })
    await expectError(
      await get(`${v3}/topics/missing/partitions/0/replicas`),
      404,
      unknownTopicOrPartition,
    )
    await expectError(
      await get(`${v3}/topics/orders/partitions/2/replicas`),
      404,
      unknownTopicOrPartition,
    )
    await expectError(
      await get(`${v3}/topics/missing/partitions/0/replicas/1`),
      404,
      unknownTopicOrPartition,
    )
    await expectError(
      await get(`${v3}/topics/orders/partitions/7/replicas/1`),
      404,
      unknownTopicOrPartition,
    )
    // Broker 4 holds no replica of the partition; "x" is no broker id at all.
    await expectError(await get(`${v3}/topics/orders/partitions/0/replicas/4`), 404, notFound)
    await expectError(await get(`${v3}/topics/orders/partitions/0/replicas/x`), 404, notFound)
  })

  test('an Accept that rules out JSON is 406', async () => {
    const { gw } = await replicatedCluster()
    const response = await gw.request(`${v3}/topics/orders/partitions/0/replicas`, {
      headers: { accept: 'text/html' },
    })
    expect(response.status).toBe(406)
  })
})

describe('v3 broker partition replicas', () => {
  test('lists every replica a broker hosts, internal topics included, by topic then partition', async () => {
    const { gw, base, get } = await replicatedCluster()
    await gw.createTopic('solo', 1) // the test controller places it on broker 1 alone
    gw.log.append([
      { type: 'topic', name: '__consumer_offsets', topicId: 'offsets-id' },
      partition(0, [1, 2, 3], [1, 2, 3], 1, 'offsets-id'),
    ])
    const response = await get(`${v3}/brokers/1/partition-replicas`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      kind: 'KafkaReplicaList',
      metadata: { self: `${base}/brokers/1/partition-replicas`, next: null },
      data: [
        replica(base, '__consumer_offsets', 0, 1, { leader: true, inSync: true }),
        replica(base, 'orders', 0, 1, { leader: false, inSync: false }),
        replica(base, 'orders', 1, 1, { leader: false, inSync: true }),
        replica(base, 'solo', 0, 1, { leader: true, inSync: true }),
      ],
    })
    const broker3 = (await (await get(`${v3}/brokers/3/partition-replicas`)).json()) as {
      data: { topic_name: string; partition_id: number }[]
    }
    expect(broker3.data.map((entry) => `${entry.topic_name}-${entry.partition_id}`)).toEqual([
      '__consumer_offsets-0',
      'orders-0',
      'orders-1',
    ])
  })

  test('a registered broker hosting nothing has an empty list; an unknown one is 404', async () => {
    const { gw, get } = await replicatedCluster()
    gw.log.append(clusterRecords([4]).filter((record) => record.type === 'register-broker'))
    const empty = (await (await get(`${v3}/brokers/4/partition-replicas`)).json()) as {
      data: unknown[]
    }
    expect(empty.data).toEqual([])
    await expectError(await get(`${v3}/brokers/9/partition-replicas`), 404, {
      error_code: 404,
      message: 'Broker 9 cannot be found.',
    })
    await expectError(await get(`${v3}/brokers/x/partition-replicas`), 404, {
      error_code: 404,
      message: 'HTTP 404 Not Found',
    })
    await expectError(await get('/v3/clusters/other/brokers/1/partition-replicas'), 404, {
      error_code: 404,
      message: 'Cluster other cannot be found.',
    })
  })
})

test('the OpenAPI document describes the replica routes and their shapes', async () => {
  const gw: TestGateway = startGateway()
  const document = (await (await gw.request('/openapi.json')).json()) as {
    paths: Record<string, { get?: { responses: Record<string, unknown> } }>
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
  }
  const partitionPath =
    '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/replicas'
  const listRef = { $ref: '#/components/schemas/ReplicaDataList' }
  const okSchema = (path: string) =>
    (
      document.paths[path]?.get?.responses['200'] as
        | { content: Record<string, { schema: unknown }> }
        | undefined
    )?.content['application/json']?.schema
  expect(okSchema(partitionPath)).toEqual(listRef)
  expect(okSchema(`${partitionPath}/{broker_id}`)).toEqual({
    $ref: '#/components/schemas/ReplicaData',
  })
  expect(okSchema('/v3/clusters/{cluster_id}/brokers/{broker_id}/partition-replicas')).toEqual(
    listRef,
  )
  expect(Object.keys(document.components.schemas.ReplicaData?.properties ?? {})).toEqual(
    expect.arrayContaining(['broker_id', 'is_leader', 'is_in_sync', 'broker']),
  )
})
