import type { StoredRecord } from './fake-gateway.ts'

/**
 * The consumer side of the in-memory gateway (fake-gateway.ts): REST Proxy v2 consumer
 * instances and v3 consumer groups, with the REST Proxy's shapes and error bodies. Members of
 * a group split the subscribed partitions round robin by instance name; a poll hands out at
 * most `recordsPerPoll` records per partition; auto commit commits what a poll hands out.
 * Enough to check what the CLI sends and prints; the real coordinator is exercised by e2e.
 */

/** A consumer instance of the fake. */
export interface FakeInstance {
  readonly autoCommit: boolean
  readonly reset: string
  topics: string[]
  /** Next offset to hand out, by `topic:partition`. */
  readonly positions: Map<string, number>
}

/** A group of the fake: its instances and committed offsets. */
export interface FakeGroup {
  readonly instances: Map<string, FakeInstance>
  /** Committed next offsets, by `topic:partition`. */
  readonly committed: Map<string, number>
}

type Logs = (topic: string) => readonly StoredRecord[][] | undefined

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const error = (status: number, errorCode: number, message: string): Response =>
  json(status, { error_code: errorCode, message })

const tp = (topic: string, partition: number): string => `${topic}:${partition}`
const split = (key: string): [string, number] => {
  const at = key.lastIndexOf(':')
  return [key.slice(0, at), Number(key.slice(at + 1))]
}

export const createFakeConsumers = (logsOf: Logs, cluster: string, recordsPerPoll = 3) => {
  const groups = new Map<string, FakeGroup>()
  let nextId = 0

  const groupOf = (name: string): FakeGroup => {
    let group = groups.get(name)
    if (!group) {
      group = { instances: new Map(), committed: new Map() }
      groups.set(name, group)
    }
    return group
  }

  /** Each member's partitions: the subscribed ones dealt round robin over sorted names. */
  const assignment = (group: FakeGroup): Map<string, string[]> => {
    const names = [...group.instances.keys()].sort()
    const owned = new Map<string, string[]>(names.map((n) => [n, []]))
    const topics = [...new Set(names.flatMap((n) => group.instances.get(n)?.topics ?? []))].sort()
    let i = 0
    for (const topic of topics) {
      const logs = logsOf(topic) ?? []
      for (let p = 0; p < logs.length; p++) {
        const subscribers = names.filter((n) => group.instances.get(n)?.topics.includes(topic))
        const owner = subscribers[i++ % subscribers.length]
        if (owner !== undefined) owned.get(owner)?.push(tp(topic, p))
      }
    }
    return owned
  }

  const poll = (group: FakeGroup, name: string, instance: FakeInstance, maxBytes: number) => {
    const out: unknown[] = []
    let bytes = 0
    for (const key of assignment(group).get(name) ?? []) {
      const [topic, partition] = split(key)
      const log = logsOf(topic)?.[partition] ?? []
      const start =
        instance.positions.get(key) ??
        group.committed.get(key) ??
        (instance.reset === 'earliest' ? 0 : log.length)
      let end = start
      while (
        end < log.length &&
        end - start < recordsPerPoll &&
        (bytes < maxBytes || !out.length)
      ) {
        const record = log[end] as StoredRecord
        bytes += (record.value?.length ?? 0) + (record.key?.length ?? 0)
        out.push({ topic, partition, offset: end, ...record })
        end++
      }
      instance.positions.set(key, end)
      if (instance.autoCommit && end > start) group.committed.set(key, end)
    }
    return out
  }

  /** `/consumers/...`; undefined when the path is not one of these routes. */
  const routeV2 = (method: string, parts: string[], query: URLSearchParams, body: unknown) => {
    const [, groupName, instances, name, leaf] = parts
    if (groupName === undefined) return undefined
    const group = groupOf(groupName)
    if (instances === undefined && method === 'POST') {
      const config = (body ?? {}) as Record<string, string>
      const id = config.name ?? `rest-consumer-${++nextId}`
      if (group.instances.has(id)) return error(409, 40902, `Consumer ${id} already exists.`)
      group.instances.set(id, {
        autoCommit: (config['auto.commit.enable'] ?? 'true') === 'true',
        reset: config['auto.offset.reset'] ?? 'latest',
        topics: [],
        positions: new Map(),
      })
      return json(200, {
        instance_id: id,
        base_uri: `http://fake/consumers/${groupName}/instances/${id}`,
      })
    }
    if (instances !== 'instances' || name === undefined) return undefined
    const instance = group.instances.get(name)
    if (!instance) return error(404, 40403, 'Consumer instance not found.')
    if (leaf === undefined && method === 'DELETE') {
      group.instances.delete(name)
      return new Response(null, { status: 204 })
    }
    if (leaf === 'subscription' && method === 'POST') {
      const { topics } = body as { topics: string[] }
      const missing = topics.find((t) => logsOf(t) === undefined)
      if (missing !== undefined) return error(404, 40401, `Topic ${missing} not found.`)
      instance.topics = topics
      return new Response(null, { status: 204 })
    }
    if (leaf === 'records' && method === 'GET') {
      return json(200, poll(group, name, instance, Number(query.get('max_bytes') ?? Infinity)))
    }
    if (leaf === 'offsets' && method === 'POST') {
      const offsets = (body as { offsets?: { topic: string; partition: number; offset: number }[] })
        ?.offsets
      if (offsets === undefined) {
        for (const [key, position] of instance.positions) group.committed.set(key, position)
      } else {
        const owned = assignment(group).get(name) ?? []
        const foreign = offsets.find((o) => !owned.includes(tp(o.topic, o.partition)))
        if (foreign) {
          return error(
            409,
            40903,
            `instance ${name} does not own ${foreign.topic}-${foreign.partition}`,
          )
        }
        for (const o of offsets) group.committed.set(tp(o.topic, o.partition), o.offset + 1)
      }
      return new Response(null, { status: 200 })
    }
    return undefined
  }

  const lagsOf = (group: FakeGroup) => {
    const owners = new Map<string, string>()
    for (const [member, keys] of assignment(group)) for (const k of keys) owners.set(k, member)
    const keys = [...new Set([...group.committed.keys(), ...owners.keys()])].sort()
    return keys.map((key) => {
      const [topic, partition] = split(key)
      const end = logsOf(topic)?.[partition]?.length ?? 0
      const current = group.committed.get(key)
      const owner = owners.get(key) ?? ''
      return {
        kind: 'KafkaConsumerLag',
        topic_name: topic,
        partition_id: partition,
        current_offset: current ?? null,
        log_end_offset: end,
        lag: current === undefined ? null : end - current,
        consumer_id: owner,
        instance_id: owner || null,
        client_id: owner,
      }
    })
  }

  /** `/v3/clusters/{cid}/consumer-groups/...` (parts from `consumer-groups` on). */
  const routeV3 = (method: string, parts: string[], body: unknown) => {
    const [, groupName, sub, consumer, leaf] = parts
    if (groupName === undefined) {
      const live = [...groups].filter(([, g]) => g.instances.size > 0 || g.committed.size > 0)
      return json(200, {
        kind: 'KafkaConsumerGroupList',
        data: live.map(([id]) => ({ consumer_group_id: id })),
      })
    }
    const group = groups.get(groupName)
    if (!group || (group.instances.size === 0 && group.committed.size === 0)) {
      return error(404, 404, `Consumer group ${groupName} cannot be found.`)
    }
    const members = assignment(group)
    if (sub === undefined) {
      return json(200, {
        kind: 'KafkaConsumerGroup',
        cluster_id: cluster,
        consumer_group_id: groupName,
        is_simple: false,
        partition_assignor: 'sticky',
        state: group.instances.size === 0 ? 'EMPTY' : 'STABLE',
        type: 'CONSUMER',
      })
    }
    if (sub === 'consumers' && consumer === undefined) {
      return json(200, {
        data: [...members.keys()].map((id) => ({
          consumer_id: id,
          instance_id: id,
          client_id: id,
        })),
      })
    }
    if (sub === 'consumers' && leaf === 'assignments' && consumer !== undefined) {
      return json(200, {
        data: (members.get(consumer) ?? []).map((key) => {
          const [topic, partition] = split(key)
          return { consumer_id: consumer, topic_name: topic, partition_id: partition }
        }),
      })
    }
    if (sub === 'lags') return json(200, { data: lagsOf(group) })
    if (sub === 'offsets:reset' && method === 'POST') {
      if (group.instances.size > 0) {
        return error(409, 40903, `Group ${groupName} has active members.`)
      }
      const request = body as {
        topic_name: string
        partition_id?: number
        to: string
        offset?: number
      }
      const logs = logsOf(request.topic_name) ?? []
      const ids =
        request.partition_id === undefined ? logs.map((_, p) => p) : [request.partition_id]
      const data = ids.map((p) => {
        const end = logs[p]?.length ?? 0
        const offset =
          request.to === 'earliest' ? 0 : request.to === 'latest' ? end : (request.offset ?? 0)
        group.committed.set(tp(request.topic_name, p), offset)
        return { topic_name: request.topic_name, partition_id: p, offset }
      })
      return json(200, { kind: 'KafkaConsumerGroupOffsetList', data })
    }
    return undefined
  }

  return { groups, routeV2, routeV3 }
}
