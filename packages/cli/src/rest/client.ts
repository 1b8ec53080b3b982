import { BadResponseError, ServerError, UnreachableError } from '../errors/index.ts'
import type {
  BinaryProduceRecord,
  ClusterData,
  ConsumedRecord,
  CreateTopicInput,
  PartitionData,
  PartitionOffsets,
  ProduceOffset,
  ReadPartitionInput,
  ReplicaData,
  TopicConfigData,
  TopicData,
  V2PartitionData,
} from './types.ts'

/**
 * A small typed client of the gateway's REST API: Confluent REST Proxy v3 for admin, v2 for
 * produce and partition metadata, and the stateless partition read. Every failure becomes a
 * CliError: the server's `{error_code, message}` a ServerError, a refused or broken
 * connection an UnreachableError.
 */

export const V2_JSON = 'application/vnd.kafka.v2+json'
export const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
export const V3_JSON = 'application/json'

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

export interface RestClientOptions {
  /** Base URL, e.g. `http://localhost:8082`; a trailing slash is ignored. */
  readonly baseUrl: string
  readonly fetch?: FetchFn
}

export interface RestClient {
  readonly baseUrl: string
  /** The first cluster of `GET /v3/clusters`, asked once. */
  clusterId(): Promise<string>
  listTopics(): Promise<TopicData[]>
  getTopic(topic: string): Promise<TopicData>
  createTopic(input: CreateTopicInput): Promise<TopicData>
  deleteTopic(topic: string): Promise<void>
  /** v3 `PATCH .../topics/{t}` with `partitions_count` (increase only). */
  setPartitionsCount(topic: string, count: number): Promise<void>
  listPartitions(topic: string): Promise<PartitionData[]>
  listReplicas(topic: string, partition: number): Promise<ReplicaData[]>
  listTopicConfigs(topic: string): Promise<TopicConfigData[]>
  /** v2 partition metadata: leader, replicas and in-sync flags in one call. */
  listPartitionsV2(topic: string): Promise<V2PartitionData[]>
  partitionOffsets(topic: string, partition: number): Promise<PartitionOffsets>
  /** v2 binary produce to the topic; one report per record, in order. */
  produceBinary(
    topic: string,
    records: readonly BinaryProduceRecord[],
    signal?: AbortSignal,
  ): Promise<ProduceOffset[]>
  readPartition(input: ReadPartitionInput): Promise<ConsumedRecord[]>
}

interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly accept: string
  readonly body?: unknown
  readonly contentType?: string
  readonly signal?: AbortSignal | undefined
}

const segment = (value: string | number): string => encodeURIComponent(String(value))

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The `data` array of a v3 collection. */
const dataOf = <T>(body: unknown, what: string): T[] => {
  if (isRecord(body) && Array.isArray(body.data)) return body.data as T[]
  throw new BadResponseError(`the server's ${what} answer has no data list`)
}

const arrayOf = <T>(body: unknown, what: string): T[] => {
  if (Array.isArray(body)) return body as T[]
  throw new BadResponseError(`the server's ${what} answer is not a list`)
}

const objectOf = <T>(body: unknown, what: string): T => {
  if (isRecord(body)) return body as T
  throw new BadResponseError(`the server's ${what} answer is not an object`)
}

/** The innermost cause's message: fetch says "fetch failed" and hides ECONNREFUSED inside. */
const rootMessage = (error: unknown): string => {
  let current: unknown = error
  while (current instanceof Error && current.cause instanceof Error) current = current.cause
  if (current instanceof Error) {
    const code = (current as { code?: unknown }).code
    return typeof code === 'string' && !current.message.includes(code)
      ? `${code} ${current.message}`
      : current.message
  }
  return String(current)
}

/** A server error body into a ServerError; any other body still gives one readable line. */
export const serverErrorOf = (status: number, statusText: string, text: string): ServerError => {
  try {
    const body: unknown = JSON.parse(text)
    if (isRecord(body) && typeof body.message === 'string') {
      const code = typeof body.error_code === 'number' ? body.error_code : status
      return new ServerError(status, code, body.message)
    }
  } catch {
    // Not JSON: fall through to the status line.
  }
  const detail = text.trim().split('\n')[0]?.slice(0, 200)
  const message = detail ? detail : `HTTP ${status} ${statusText}`.trim()
  return new ServerError(status, status, message)
}

export const createRestClient = (options: RestClientOptions): RestClient => {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const fetchFn: FetchFn = options.fetch ?? ((input, init) => fetch(input, init))
  let clusterIdPromise: Promise<string> | undefined

  const request = async (spec: RequestSpec): Promise<unknown> => {
    // Each request gets its own signal, tied to the caller's only while it runs: fetch keeps
    // its listener on a signal it was given, and a long-lived one would collect thousands.
    const { signal } = spec
    if (signal === undefined) return send(spec, undefined)
    if (signal.aborted) throw signal.reason
    const controller = new AbortController()
    const abort = (): void => controller.abort(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    try {
      return await send(spec, controller.signal)
    } finally {
      signal.removeEventListener('abort', abort)
    }
  }

  const send = async (spec: RequestSpec, signal: AbortSignal | undefined): Promise<unknown> => {
    const headers: Record<string, string> = { accept: spec.accept }
    if (spec.body !== undefined) headers['content-type'] = spec.contentType ?? V3_JSON
    let response: Response
    try {
      response = await fetchFn(`${baseUrl}${spec.path}`, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        ...(signal === undefined ? {} : { signal }),
      })
    } catch (error) {
      if (signal?.aborted) throw error
      throw new UnreachableError(`cannot reach ${baseUrl}: ${rootMessage(error)}`, error)
    }
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      if (signal?.aborted) throw error
      throw new UnreachableError(`connection to ${baseUrl} broke: ${rootMessage(error)}`, error)
    }
    if (!response.ok) throw serverErrorOf(response.status, response.statusText, text)
    if (response.status === 204 || text.length === 0) return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new BadResponseError(
        `the server answered ${spec.method} ${spec.path} with something that is not JSON`,
      )
    }
  }

  const clusterId = (): Promise<string> => {
    clusterIdPromise ??= request({ method: 'GET', path: '/v3/clusters', accept: V3_JSON }).then(
      (body) => {
        const first = dataOf<ClusterData>(body, 'clusters')[0]
        if (first === undefined || typeof first.cluster_id !== 'string') {
          throw new BadResponseError('the server lists no cluster')
        }
        return first.cluster_id
      },
    )
    // A failed lookup is not cached: the next call asks again.
    clusterIdPromise.catch(() => {
      clusterIdPromise = undefined
    })
    return clusterIdPromise
  }

  const topicsPath = async (topic?: string): Promise<string> => {
    const base = `/v3/clusters/${segment(await clusterId())}/topics`
    return topic === undefined ? base : `${base}/${segment(topic)}`
  }

  return {
    baseUrl,
    clusterId,
    async listTopics() {
      const body = await request({ method: 'GET', path: await topicsPath(), accept: V3_JSON })
      return dataOf<TopicData>(body, 'topics')
    },
    async getTopic(topic) {
      const body = await request({ method: 'GET', path: await topicsPath(topic), accept: V3_JSON })
      return objectOf<TopicData>(body, 'topic')
    },
    async createTopic(input) {
      const body = await request({
        method: 'POST',
        path: await topicsPath(),
        accept: V3_JSON,
        body: {
          topic_name: input.name,
          ...(input.partitionsCount === undefined
            ? {}
            : { partitions_count: input.partitionsCount }),
          ...(input.replicationFactor === undefined
            ? {}
            : { replication_factor: input.replicationFactor }),
          ...(input.configs === undefined || input.configs.length === 0
            ? {}
            : { configs: input.configs.map(({ name, value }) => ({ name, value })) }),
        },
      })
      return objectOf<TopicData>(body, 'create topic')
    },
    async deleteTopic(topic) {
      await request({ method: 'DELETE', path: await topicsPath(topic), accept: V3_JSON })
    },
    async setPartitionsCount(topic, count) {
      await request({
        method: 'PATCH',
        path: await topicsPath(topic),
        accept: V3_JSON,
        body: { partitions_count: count },
      })
    },
    async listPartitions(topic) {
      const path = `${await topicsPath(topic)}/partitions`
      return dataOf<PartitionData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'partitions',
      )
    },
    async listReplicas(topic, partition) {
      const path = `${await topicsPath(topic)}/partitions/${segment(partition)}/replicas`
      return dataOf<ReplicaData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'replicas',
      )
    },
    async listTopicConfigs(topic) {
      const path = `${await topicsPath(topic)}/configs`
      return dataOf<TopicConfigData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'configs',
      )
    },
    async listPartitionsV2(topic) {
      const path = `/topics/${segment(topic)}/partitions`
      return arrayOf<V2PartitionData>(
        await request({ method: 'GET', path, accept: V2_JSON }),
        'partitions',
      )
    },
    async partitionOffsets(topic, partition) {
      const path = `/topics/${segment(topic)}/partitions/${segment(partition)}/offsets`
      return objectOf<PartitionOffsets>(
        await request({ method: 'GET', path, accept: V2_JSON }),
        'offsets',
      )
    },
    async produceBinary(topic, records, signal) {
      const body = await request({
        method: 'POST',
        path: `/topics/${segment(topic)}`,
        accept: V2_JSON,
        contentType: V2_BINARY,
        body: { records },
        signal,
      })
      const offsets = objectOf<{ offsets?: unknown }>(body, 'produce').offsets
      const reports = arrayOf<ProduceOffset>(offsets, 'produce')
      if (reports.length !== records.length) {
        throw new BadResponseError(
          `the server reported ${reports.length} offsets for ${records.length} records`,
        )
      }
      return reports
    },
    async readPartition(input) {
      const query = new URLSearchParams({
        offset: String(input.offset),
        max_bytes: String(input.maxBytes),
        timeout: String(input.timeoutMs),
      })
      const path = `/topics/${segment(input.topic)}/partitions/${segment(input.partition)}/records?${query}`
      return arrayOf<ConsumedRecord>(
        await request({ method: 'GET', path, accept: V2_BINARY, signal: input.signal }),
        'records',
      )
    },
  }
}
