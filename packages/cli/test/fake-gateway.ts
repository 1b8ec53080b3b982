import type { FetchFn } from '../src/rest/index.ts'
import { createFakeConsumers } from './fake-consumers.ts'

/**
 * An in-memory stand-in for the gateway's REST API, answering through a fetch function: just
 * the routes the CLI calls, with the REST Proxy's shapes and error bodies. It lets command
 * tests check what goes on the wire and what the user sees, without a server. The real
 * gateway is exercised by e2e.test.ts.
 */

export interface StoredRecord {
  readonly key: string | null
  readonly value: string | null
  readonly timestamp: number
  readonly headers?: { name: string; value: string | null }[]
}

interface FakeTopic {
  partitions: StoredRecord[][]
  replicationFactor: number
  configs: Map<string, string>
}

export interface FakeGatewayOptions {
  /** Answer the v3 replicas route with a plain 404, as a gateway that lacks it would. */
  readonly withoutReplicasRoute?: boolean
  /** Answer PATCH of a topic with a plain 404, as a gateway without the route would. */
  readonly withoutPatchRoute?: boolean
  /** Per-record produce failure for values equal to this base64 string. */
  readonly refuseValue?: string
  /** The most records a consumer instance's poll takes from one partition (default 3). */
  readonly recordsPerPoll?: number
}

export interface RequestLog {
  readonly method: string
  readonly path: string
  readonly contentType: string | null
  readonly accept: string | null
  readonly body: unknown
}

const CLUSTER = 'fake-cluster'

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const error = (status: number, errorCode: number, message: string): Response =>
  json(status, { error_code: errorCode, message })

export const createFakeGateway = (options: FakeGatewayOptions = {}) => {
  const topics = new Map<string, FakeTopic>()
  const requests: RequestLog[] = []
  let nextPartition = 0

  const topicData = (name: string, topic: FakeTopic) => ({
    kind: 'KafkaTopic',
    cluster_id: CLUSTER,
    topic_name: name,
    is_internal: false,
    replication_factor: topic.replicationFactor,
    partitions_count: topic.partitions.length,
  })

  const addTopic = (name: string, partitions: number, configs: Record<string, string> = {}) => {
    topics.set(name, {
      partitions: Array.from({ length: partitions }, () => []),
      replicationFactor: 1,
      configs: new Map(Object.entries(configs)),
    })
  }

  const append = (topic: string, partition: number, record: StoredRecord): number => {
    const log = topics.get(topic)?.partitions[partition]
    if (!log) throw new Error(`no partition ${topic}-${partition}`)
    log.push(record)
    return log.length - 1
  }

  const consumers = createFakeConsumers(
    (name) => topics.get(name)?.partitions,
    CLUSTER,
    options.recordsPerPoll,
  )

  const route = (method: string, path: string, query: URLSearchParams, body: unknown) => {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
    if (parts[0] === 'consumers') {
      return consumers.routeV2(method, parts, query, body) ?? new Response('404', { status: 404 })
    }
    if (parts[0] === 'v3' && parts[2] === CLUSTER && parts[3] === 'consumer-groups') {
      return consumers.routeV3(method, parts.slice(3), body) ?? new Response('404', { status: 404 })
    }
    if (parts[0] === 'v3') {
      if (parts.length === 2 && parts[1] === 'clusters') {
        return json(200, { kind: 'KafkaClusterList', data: [{ cluster_id: CLUSTER }] })
      }
      if (parts[2] !== CLUSTER) return error(404, 404, `Cluster ${parts[2]} cannot be found.`)
      const [, , , , name, sub, partitionId, leaf] = parts
      if (parts.length === 4 && method === 'GET') {
        return json(200, { data: [...topics].map(([n, t]) => topicData(n, t)) })
      }
      if (parts.length === 4 && method === 'POST') {
        const request = body as {
          topic_name: string
          partitions_count?: number
          configs?: { name: string; value: string }[]
        }
        if (topics.has(request.topic_name)) {
          return error(400, 40002, `Topic '${request.topic_name}' already exists.`)
        }
        addTopic(
          request.topic_name,
          request.partitions_count ?? 1,
          Object.fromEntries((request.configs ?? []).map((c) => [c.name, c.value])),
        )
        const created = topics.get(request.topic_name) as FakeTopic
        return json(201, topicData(request.topic_name, created))
      }
      const topic = name === undefined ? undefined : topics.get(name)
      if (name === undefined || topic === undefined) {
        return error(404, 40403, 'This server does not host this topic-partition.')
      }
      if (sub === undefined) {
        if (method === 'GET') return json(200, topicData(name, topic))
        if (method === 'DELETE') {
          topics.delete(name)
          return new Response(null, { status: 204 })
        }
        if (method === 'PATCH' && options.withoutPatchRoute) {
          return new Response('404 Not Found', { status: 404 })
        }
        if (method === 'PATCH') {
          const count = (body as { partitions_count: number }).partitions_count
          if (count <= topic.partitions.length) {
            return error(400, 40002, `Topic currently has ${topic.partitions.length} partitions.`)
          }
          while (topic.partitions.length < count) topic.partitions.push([])
          return json(200, topicData(name, topic))
        }
      }
      if (sub === 'configs') {
        return json(200, {
          data: [
            { name: 'cleanup.policy', value: 'delete', is_default: true },
            ...[...topic.configs].map(([n, v]) => ({ name: n, value: v, is_default: false })),
          ],
        })
      }
      if (sub === 'partitions' && partitionId === undefined) {
        const base = `http://fake/v3/clusters/${CLUSTER}/topics/${name}/partitions`
        return json(200, {
          data: topic.partitions.map((_, p) => ({
            partition_id: p,
            leader: { related: `${base}/${p}/replicas/1` },
          })),
        })
      }
      if (sub === 'partitions' && leaf === 'replicas') {
        if (options.withoutReplicasRoute) return new Response('404 Not Found', { status: 404 })
        return json(200, { data: [{ broker_id: 1, is_leader: true, is_in_sync: true }] })
      }
    }
    if (parts[0] === 'topics' && parts[1] !== undefined) {
      const topic = topics.get(parts[1])
      if (!topic) return error(404, 40401, 'Topic not found.')
      if (parts.length === 2 && method === 'POST') {
        const { records } = body as { records: { key?: string | null; value: string | null }[] }
        return json(200, {
          key_schema_id: null,
          value_schema_id: null,
          offsets: records.map((record) => {
            if (record.value === options.refuseValue) {
              return { partition: null, offset: null, error_code: 50002, error: 'Refused.' }
            }
            const partition = nextPartition++ % topic.partitions.length
            const offset = append(parts[1] as string, partition, {
              key: record.key ?? null,
              value: record.value,
              timestamp: 1_700_000_000_000,
            })
            return { partition, offset, error_code: null, error: null }
          }),
        })
      }
      if (parts.length === 3 && parts[2] === 'partitions') {
        return json(
          200,
          topic.partitions.map((_, p) => ({
            partition: p,
            leader: 1,
            replicas: [{ broker: 1, leader: true, in_sync: true }],
          })),
        )
      }
      const p = Number(parts[3])
      const log = topic.partitions[p]
      if (log === undefined) return error(404, 40402, 'Partition not found.')
      if (parts[4] === 'offsets') return json(200, { beginning_offset: 0, end_offset: log.length })
      if (parts[4] === 'records') {
        const offset = Number(query.get('offset'))
        return json(
          200,
          log.slice(offset, offset + 2).map((record, i) => ({
            topic: parts[1],
            partition: p,
            offset: offset + i,
            ...record,
          })),
        )
      }
    }
    return new Response('404 Not Found', { status: 404 })
  }

  const fetch: FetchFn = async (input, init) => {
    const url = new URL(input)
    const method = init?.method ?? 'GET'
    const headers = new Headers(init?.headers)
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined
    requests.push({
      method,
      path: url.pathname + url.search,
      contentType: headers.get('content-type'),
      accept: headers.get('accept'),
      body,
    })
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    // Like Node's fetch, keep a listener on the signal after the request is done.
    init?.signal?.addEventListener('abort', () => {})
    return route(method, url.pathname, url.searchParams, body)
  }

  return { fetch, topics, requests, addTopic, append, groups: consumers.groups }
}
