import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type Consumed,
  createTopic,
  produce,
  rest,
  startCluster,
  type TestCluster,
  TestConsumer,
  unb64,
} from './cluster.ts'

/*
 * Consumer groups across instances, over real HTTP against the real controller and broker: the
 * members of a group share a topic's partitions and each record reaches one of them, another
 * group reads everything; the v3 consumer-group resources and lag; the offsets reset.
 */

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster({ offsetsTopicNumPartitions: 4 }, { groupMinSessionTimeoutMs: 200 })
})

afterAll(async () => {
  await cluster?.close()
})

const key = (record: Consumed) => `${record.partition}:${record.offset}`

describe('two instances of a group', () => {
  test('share the partitions, each record reaching one of them; another group gets every record', async () => {
    await createTopic(cluster, 'g-shared', 4)
    const config = { 'auto.offset.reset': 'earliest' }
    const a1 = await TestConsumer.create(cluster, 'group-a', config)
    const a2 = await TestConsumer.create(cluster, 'group-a', config)
    const b = await TestConsumer.create(cluster, 'group-b', config)
    for (const consumer of [a1, a2, b]) await consumer.subscribe(['g-shared'])

    // Read (nothing is there yet) until the members' partitions have settled.
    let split: { topic: string; partition: number }[][] = []
    for (let i = 0; i < 100; i++) {
      await a1.records({ timeout: 50 })
      await a2.records({ timeout: 50 })
      split = [await a1.assignments(), await a2.assignments()]
      const all = split.flat().map((tp) => tp.partition)
      if (split.every((part) => part.length > 0) && all.length === 4 && new Set(all).size === 4)
        break
    }
    const [first, second] = split.map((part) => part.map((tp) => tp.partition).sort())
    expect(first?.length).toBeGreaterThan(0)
    expect(second?.length).toBeGreaterThan(0)
    expect([...(first ?? []), ...(second ?? [])].sort()).toEqual([0, 1, 2, 3])

    const produced = await produce(
      cluster,
      'g-shared',
      Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` })),
    )
    expect(new Set(produced.map((offset) => offset.partition)).size).toBe(4)

    const got: [Consumed[], Consumed[]] = [[], []]
    for (let i = 0; i < 100 && got[0].length + got[1].length < 40; i++) {
      got[0].push(...(await a1.records({ timeout: 200 })))
      got[1].push(...(await a2.records({ timeout: 200 })))
    }
    const keys = [...got[0], ...got[1]].map(key)
    expect(keys).toHaveLength(40)
    expect(new Set(keys).size).toBe(40)
    expect(new Set(keys)).toEqual(new Set(produced.map((p) => `${p.partition}:${p.offset}`)))
    // Each read only its own partitions.
    for (const record of got[0]) expect(first).toContain(record.partition)
    for (const record of got[1]) expect(second).toContain(record.partition)

    const all = await b.recordsUntil(40)
    expect(new Set(all.map(key)).size).toBe(40)
    expect(all.map((record) => unb64(record.value)).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `value-${i}`).sort(),
    )
  })
})

describe('a silent member', () => {
  test('loses its partitions, which another member reads again from the committed offset', async () => {
    await createTopic(cluster, 'g-silent', 2)
    const config = {
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
      'session.timeout.ms': 1000,
    }
    expect(
      (await rest(cluster, '/consumers/group-silent', { json: { 'session.timeout.ms': 50 } })).body,
    ).toMatchObject({ error_code: 42204 })
    const quiet = await TestConsumer.create(cluster, 'group-silent', config)
    const busy = await TestConsumer.create(cluster, 'group-silent', config)
    await quiet.subscribe(['g-silent'])
    await busy.subscribe(['g-silent'])
    let mine: number[] = []
    for (let i = 0; i < 100 && mine.length !== 1; i++) {
      await quiet.records({ timeout: 50 })
      await busy.records({ timeout: 50 })
      const [a, b] = [await quiet.assignments(), await busy.assignments()]
      if (a.length === 1 && b.length === 1) mine = a.map((tp) => tp.partition)
    }
    expect(mine).toHaveLength(1)
    const quietPartition = mine[0] as number
    await produce(cluster, 'g-silent', [
      { value: 'a', partition: 0 },
      { value: 'b', partition: 1 },
    ])
    const taken = await quiet.recordsUntil(1)
    expect(taken.map((record) => record.partition)).toEqual([quietPartition])

    // quiet goes silent without committing; busy keeps reading and gets its record too.
    const seen: Consumed[] = []
    for (let i = 0; i < 150 && !seen.some((r) => r.partition === quietPartition); i++) {
      seen.push(...(await busy.records({ timeout: 200 })))
    }
    expect(seen.filter((r) => r.partition === quietPartition).map((r) => unb64(r.value))).toEqual([
      unb64(taken[0]?.value),
    ])
    expect((await busy.assignments()).map((tp) => tp.partition).sort()).toEqual([0, 1])
    // Back, quiet owns nothing until it reads again: its commit is refused.
    const late = await quiet.call('/offsets', {
      json: { offsets: [{ topic: 'g-silent', partition: quietPartition, offset: 0 }] },
    })
    expect(late.status).toBe(409)
    expect(late.body.error_code).toBe(40903)
  })
})

describe('v3 consumer groups', () => {
  test('groups, consumers, assignments, lags and the lag summary', async () => {
    const v3 = `/v3/clusters/${cluster.clusterId}`
    await createTopic(cluster, 'g-lag', 2)
    await produce(
      cluster,
      'g-lag',
      Array.from({ length: 10 }, (_, i) => ({ value: `p0-${i}`, partition: 0 })),
    )
    await produce(
      cluster,
      'g-lag',
      Array.from({ length: 3 }, (_, i) => ({ value: `p1-${i}`, partition: 1 })),
    )
    const member = await TestConsumer.create(cluster, 'lagging', {
      name: 'm1',
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
      'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RangeAssignor',
    })
    await member.subscribe(['g-lag'])
    expect(await member.recordsUntil(13)).toHaveLength(13)
    const commit = await member.call('/offsets', {
      json: { offsets: [{ topic: 'g-lag', partition: 0, offset: 4 }] },
    })
    expect(commit.status).toBe(200)

    const list = await rest(cluster, `${v3}/consumer-groups`)
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({
      kind: 'KafkaConsumerGroupList',
      metadata: { self: `${cluster.url}${v3}/consumer-groups`, next: null },
    })
    const listed = (list.body.data as { consumer_group_id: string }[]).find(
      (group) => group.consumer_group_id === 'lagging',
    )
    expect(listed).toBeDefined()

    const group = await rest(cluster, `${v3}/consumer-groups/lagging`)
    expect(group.status).toBe(200)
    expect(group.body).toEqual({
      kind: 'KafkaConsumerGroup',
      metadata: {
        self: `${cluster.url}${v3}/consumer-groups/lagging`,
        resource_name: `crn:///kafka=${cluster.clusterId}/consumer-group=lagging`,
      },
      cluster_id: cluster.clusterId,
      consumer_group_id: 'lagging',
      is_simple: false,
      partition_assignor: 'range',
      state: 'STABLE',
      type: 'CONSUMER',
      is_mixed_consumer_group: false,
      coordinator: { related: `${cluster.url}${v3}/brokers/1` },
      consumers: { related: `${cluster.url}${v3}/consumer-groups/lagging/consumers` },
      lag_summary: { related: `${cluster.url}${v3}/consumer-groups/lagging/lag-summary` },
    })
    expect(listed).toEqual(group.body)

    const consumers = await rest(cluster, `${v3}/consumer-groups/lagging/consumers`)
    expect(consumers.body.kind).toBe('KafkaConsumerList')
    expect(consumers.body.data).toEqual([
      {
        kind: 'KafkaConsumer',
        metadata: {
          self: `${cluster.url}${v3}/consumer-groups/lagging/consumers/m1`,
          resource_name: `crn:///kafka=${cluster.clusterId}/consumer-group=lagging/consumer=m1`,
        },
        cluster_id: cluster.clusterId,
        consumer_group_id: 'lagging',
        consumer_id: 'm1',
        instance_id: 'm1',
        client_id: 'm1',
        assignments: {
          related: `${cluster.url}${v3}/consumer-groups/lagging/consumers/m1/assignments`,
        },
      },
    ])
    expect((await rest(cluster, `${v3}/consumer-groups/lagging/consumers/m1`)).body).toEqual(
      consumers.body.data[0],
    )
    const assignments = await rest(
      cluster,
      `${v3}/consumer-groups/lagging/consumers/m1/assignments`,
    )
    expect(assignments.body.kind).toBe('KafkaConsumerAssignmentList')
    expect(
      (assignments.body.data as { topic_name: string; partition_id: number }[]).map((a) => [
        a.topic_name,
        a.partition_id,
      ]),
    ).toEqual([
      ['g-lag', 0],
      ['g-lag', 1],
    ])
    expect(assignments.body.data[0]).toMatchObject({
      kind: 'KafkaConsumerAssignment',
      consumer_id: 'm1',
      partition: { related: `${cluster.url}${v3}/topics/g-lag/partitions/0` },
      lag: { related: `${cluster.url}${v3}/consumer-groups/lagging/lags/g-lag/partitions/0` },
    })

    const lags = await rest(cluster, `${v3}/consumer-groups/lagging/lags`)
    expect(lags.body.kind).toBe('KafkaConsumerLagList')
    expect(lags.body.data).toMatchObject([
      {
        kind: 'KafkaConsumerLag',
        topic_name: 'g-lag',
        partition_id: 0,
        current_offset: 5,
        log_end_offset: 10,
        lag: 5,
        consumer_id: 'm1',
        instance_id: 'm1',
        client_id: 'm1',
      },
      {
        topic_name: 'g-lag',
        partition_id: 1,
        current_offset: null,
        log_end_offset: 3,
        lag: null,
        consumer_id: 'm1',
      },
    ])
    const one = await rest(cluster, `${v3}/consumer-groups/lagging/lags/g-lag/partitions/0`)
    expect(one.body).toEqual(lags.body.data[0])

    const summary = await rest(cluster, `${v3}/consumer-groups/lagging/lag-summary`)
    expect(summary.body).toMatchObject({
      kind: 'KafkaConsumerGroupLagSummary',
      consumer_group_id: 'lagging',
      max_lag_consumer_id: 'm1',
      max_lag_instance_id: 'm1',
      max_lag_client_id: 'm1',
      max_lag_topic_name: 'g-lag',
      max_lag_partition_id: 0,
      max_lag: 5,
      total_lag: 5,
      max_lag_partition: { related: `${cluster.url}${v3}/topics/g-lag/partitions/0` },
    })

    const unknown = await rest(cluster, `${v3}/consumer-groups/nobody-here`)
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({
      error_code: 404,
      message: 'Consumer group nobody-here cannot be found.',
    })
    expect((await rest(cluster, `${v3}/consumer-groups/lagging/consumers/m2`)).status).toBe(404)
  })
})

describe('offsets:reset', () => {
  test('refused while the group has members, then sets the committed offsets', async () => {
    const v3 = `/v3/clusters/${cluster.clusterId}/consumer-groups/resetting`
    await createTopic(cluster, 'g-reset', 2)
    await produce(
      cluster,
      'g-reset',
      Array.from({ length: 10 }, (_, i) => ({ value: `r${i}`, partition: i % 2 })),
    )
    const member = await TestConsumer.create(cluster, 'resetting', {
      'auto.offset.reset': 'earliest',
    })
    await member.subscribe(['g-reset'])
    expect(await member.recordsUntil(10)).toHaveLength(10)

    const reset = (body: object) =>
      rest(cluster, `${v3}/offsets:reset`, { json: body, type: 'application/json' })
    const refused = await reset({ topic_name: 'g-reset', to: 'earliest' })
    expect(refused.status).toBe(409)
    expect(refused.body.error_code).toBe(40903)

    expect((await member.call('', { method: 'DELETE' })).status).toBe(204)
    const earliest = await reset({ topic_name: 'g-reset', to: 'earliest' })
    expect(earliest.status).toBe(200)
    expect(earliest.body.kind).toBe('KafkaConsumerGroupOffsetList')
    expect(earliest.body.data).toEqual([
      { topic_name: 'g-reset', partition_id: 0, offset: 0 },
      { topic_name: 'g-reset', partition_id: 1, offset: 0 },
    ])
    const latest = await reset({ topic_name: 'g-reset', partition_id: 1, to: 'latest' })
    expect(latest.body.data).toEqual([{ topic_name: 'g-reset', partition_id: 1, offset: 5 }])
    const exact = await reset({ topic_name: 'g-reset', partition_id: 0, to: 'offset', offset: 3 })
    expect(exact.body.data).toEqual([{ topic_name: 'g-reset', partition_id: 0, offset: 3 }])
    expect((await reset({ topic_name: 'g-reset', to: 'offset' })).status).toBe(422)
    expect((await reset({ topic_name: 'g-no-topic', to: 'earliest' })).body.error_code).toBe(40403)
    expect(
      (await rest(cluster, `${v3}/offsets:other`, { json: {}, type: 'application/json' })).status,
    ).toBe(404)

    const lags = await rest(cluster, `${v3}/lags`)
    expect(
      (lags.body.data as { partition_id: number; current_offset: number }[]).map((lag) => [
        lag.partition_id,
        lag.current_offset,
      ]),
    ).toEqual([
      [0, 3],
      [1, 5],
    ])
    // A new member reads from the reset offsets.
    const next = await TestConsumer.create(cluster, 'resetting', {
      'auto.offset.reset': 'earliest',
    })
    await next.subscribe(['g-reset'])
    const records = await next.recordsUntil(2)
    expect(records.map((record) => `${record.partition}:${record.offset}`).sort()).toEqual([
      '0:3',
      '0:4',
    ])
  })
})
