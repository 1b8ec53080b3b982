import { describe, expect, test } from 'vitest'
import { CLUSTER_ID, post, startGateway } from './helpers/gateway.ts'

const base = `http://localhost/v3/clusters/${CLUSTER_ID}`
const v3 = `/v3/clusters/${CLUSTER_ID}`
const json = (body: unknown, method = 'POST'): RequestInit => ({
  ...post(body, 'application/json'),
  method,
})

describe('v3 clusters', () => {
  test('the one cluster, named by the metadata, with its links', async () => {
    const gw = startGateway()
    const list = await gw.request('/v3/clusters')
    expect(list.headers.get('content-type')).toBe('application/json')
    const cluster = {
      kind: 'KafkaCluster',
      metadata: { self: base, resource_name: `crn:///kafka=${CLUSTER_ID}` },
      cluster_id: CLUSTER_ID,
      controller: null,
      acls: { related: `${base}/acls` },
      brokers: { related: `${base}/brokers` },
      broker_configs: { related: `${base}/broker-configs` },
      consumer_groups: { related: `${base}/consumer-groups` },
      topics: { related: `${base}/topics` },
      partition_reassignments: { related: `${base}/topics/-/partitions/-/reassignment` },
    }
    expect(await list.json()).toEqual({
      kind: 'KafkaClusterList',
      metadata: { self: 'http://localhost/v3/clusters', next: null },
      data: [cluster],
    })
    expect(await (await gw.request(v3)).json()).toEqual(cluster)
  })

  test('links start at the advertised URL when one is configured', async () => {
    const gw = startGateway({ config: { advertisedUrl: 'https://kafka.example.com/' } })
    const cluster = (await (await gw.request(v3)).json()) as { metadata: { self: string } }
    expect(cluster.metadata.self).toBe(`https://kafka.example.com/v3/clusters/${CLUSTER_ID}`)
  })
})

describe('v3 topics', () => {
  test('create answers once the topic is visible, with its data and Location; list, get, delete', async () => {
    const gw = startGateway()
    const created = await gw.request(
      `${v3}/topics`,
      json({
        topic_name: 'orders',
        partitions_count: 3,
        replication_factor: 1,
        configs: [{ name: 'retention.ms', value: '60000' }],
      }),
    )
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe(`${base}/topics/orders`)
    const topic = {
      kind: 'KafkaTopic',
      metadata: {
        self: `${base}/topics/orders`,
        resource_name: `crn:///kafka=${CLUSTER_ID}/topic=orders`,
      },
      cluster_id: CLUSTER_ID,
      topic_name: 'orders',
      is_internal: false,
      replication_factor: 1,
      partitions_count: 3,
      partitions: { related: `${base}/topics/orders/partitions` },
      configs: { related: `${base}/topics/orders/configs` },
      partition_reassignments: { related: `${base}/topics/orders/partitions/-/reassignment` },
    }
    expect(await created.json()).toEqual(topic)
    // Read your write: the very next request sees it (v2 too).
    expect(await (await gw.request(`${v3}/topics/orders`)).json()).toEqual(topic)
    expect(await (await gw.request('/topics')).json()).toEqual(['orders'])
    expect(gw.follower.image.topic('orders')?.configs).toEqual({ 'retention.ms': '60000' })

    const list = (await (await gw.request(`${v3}/topics`)).json()) as {
      kind: string
      metadata: unknown
      data: unknown[]
    }
    expect(list).toEqual({
      kind: 'KafkaTopicList',
      metadata: { self: `${base}/topics`, next: null },
      data: [topic],
    })

    const deleted = await gw.request(`${v3}/topics/orders`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(gw.follower.image.topic('orders')).toBeUndefined()
    expect((await gw.request(`${v3}/topics/orders`)).status).toBe(404)
  })

  test('defaults to one partition and replication factor 1; validate_only creates nothing (200)', async () => {
    const gw = startGateway()
    const checked = await gw.request(
      `${v3}/topics`,
      json({ topic_name: 'maybe', partitions_count: 4, validate_only: true }),
    )
    expect(checked.status).toBe(200)
    expect(await checked.json()).toMatchObject({
      topic_name: 'maybe',
      partitions_count: 4,
      replication_factor: 1,
    })
    expect(gw.follower.image.topic('maybe')).toBeUndefined()
    const created = await gw.request(`${v3}/topics`, json({ topic_name: 'plain' }))
    expect(await created.json()).toMatchObject({ partitions_count: 1, replication_factor: 1 })
  })
})

describe('v3 partitions', () => {
  test('list and get, with leader and replicas links', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 2)
    const partition = (id: number) => ({
      kind: 'KafkaPartition',
      metadata: {
        self: `${base}/topics/t/partitions/${id}`,
        resource_name: `crn:///kafka=${CLUSTER_ID}/topic=t/partition=${id}`,
      },
      cluster_id: CLUSTER_ID,
      topic_name: 't',
      partition_id: id,
      leader: { related: `${base}/topics/t/partitions/${id}/replicas/1` },
      replicas: { related: `${base}/topics/t/partitions/${id}/replicas` },
      reassignment: { related: `${base}/topics/t/partitions/${id}/reassignment` },
    })
    expect(await (await gw.request(`${v3}/topics/t/partitions`)).json()).toEqual({
      kind: 'KafkaPartitionList',
      metadata: { self: `${base}/topics/t/partitions`, next: null },
      data: [partition(0), partition(1)],
    })
    expect(await (await gw.request(`${v3}/topics/t/partitions/1`)).json()).toEqual(partition(1))
  })
})

describe('v3 topic configs', () => {
  interface Config {
    name: string
    value: string
    is_default: boolean
    source: string
    synonyms: { name: string; value: string; source: string }[]
  }

  const config = async (gw: ReturnType<typeof startGateway>, name: string) =>
    (await (await gw.request(`${v3}/topics/t/configs/${name}`)).json()) as Config

  test('list and get every config, defaults and overrides told apart', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1, { 'retention.ms': '1000' })
    const list = (await (await gw.request(`${v3}/topics/t/configs`)).json()) as {
      kind: string
      data: Config[]
    }
    expect(list.kind).toBe('KafkaTopicConfigList')
    expect(list.data.map((entry) => entry.name)).toContain('max.message.bytes')
    const retention = await config(gw, 'retention.ms')
    expect(retention).toEqual({
      kind: 'KafkaTopicConfig',
      metadata: {
        self: `${base}/topics/t/configs/retention.ms`,
        resource_name: `crn:///kafka=${CLUSTER_ID}/topic=t/config=retention.ms`,
      },
      cluster_id: CLUSTER_ID,
      topic_name: 't',
      name: 'retention.ms',
      value: '1000',
      is_default: false,
      is_read_only: false,
      is_sensitive: false,
      source: 'DYNAMIC_TOPIC_CONFIG',
      synonyms: [
        { name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'retention.ms', value: '604800000', source: 'DEFAULT_CONFIG' },
      ],
    })
    expect(await config(gw, 'segment.ms')).toMatchObject({
      is_default: true,
      source: 'DEFAULT_CONFIG',
      value: '604800000',
    })
  })

  test('PUT sets, DELETE resets, :alter does both; each visible on the next request', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    const put = await gw.request(
      `${v3}/topics/t/configs/retention.ms`,
      json({ value: '5000' }, 'PUT'),
    )
    expect(put.status).toBe(204)
    expect((await config(gw, 'retention.ms')).value).toBe('5000')
    expect(
      (await gw.request(`${v3}/topics/t/configs/retention.ms`, { method: 'DELETE' })).status,
    ).toBe(204)
    expect(await config(gw, 'retention.ms')).toMatchObject({ value: '604800000', is_default: true })
    const alter = await gw.request(
      `${v3}/topics/t/configs:alter`,
      json({
        data: [
          { name: 'retention.ms', value: '7000' },
          { name: 'max.message.bytes', value: '2000', operation: 'SET' },
        ],
      }),
    )
    expect(alter.status).toBe(204)
    expect((await config(gw, 'retention.ms')).value).toBe('7000')
    expect((await config(gw, 'max.message.bytes')).value).toBe('2000')
    await gw.request(
      `${v3}/topics/t/configs:alter`,
      json({ data: [{ name: 'retention.ms', operation: 'DELETE' }] }),
    )
    expect((await config(gw, 'retention.ms')).is_default).toBe(true)
    const dry = await gw.request(
      `${v3}/topics/t/configs:alter`,
      json({ data: [{ name: 'segment.ms', value: '9' }], validate_only: true }),
    )
    expect(dry.status).toBe(204)
    expect((await config(gw, 'segment.ms')).is_default).toBe(true)
  })
})

test('configs:alter is a literal path: configs:other is not found', async () => {
  const gw = startGateway()
  await gw.createTopic('t', 1)
  const response = await gw.request(`${v3}/topics/t/configs:other`, json({ data: [] }))
  expect(response.status).toBe(404)
  expect(await response.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' })
})

test("PATCH raises a topic's partition count (increase only) and answers with the topic", async () => {
  const gw = startGateway()
  await gw.createTopic('t', 2)
  const raised = await gw.request(`${v3}/topics/t`, json({ partitions_count: 5 }, 'PATCH'))
  expect(raised.status).toBe(200)
  expect(await raised.json()).toMatchObject({ topic_name: 't', partitions_count: 5 })
  expect(await (await gw.request('/topics/t/partitions')).json()).toHaveLength(5)
  const lowered = await gw.request(`${v3}/topics/t`, json({ partitions_count: 3 }, 'PATCH'))
  expect(lowered.status).toBe(400)
  expect(await lowered.json()).toEqual({
    error_code: 40002,
    message: 'Topic currently has 5 partitions, which is higher than the requested 3.',
  })
  const missing = await gw.request(`${v3}/topics/t`, json({ partitions: 9 }, 'PATCH'))
  expect(missing.status).toBe(422)
})
