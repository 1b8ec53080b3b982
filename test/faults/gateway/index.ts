/**
 * The fault suite's view of a cluster through one gateway's documented HTTP API (README "The HTTP
 * API"): v3 topic creation with a replication factor and configs, v2 produce to a partition, the
 * stateless partition read by offset, partition offsets, and v2 partition metadata (leader and
 * in-sync replicas). Every call has a timeout, so a fault never hangs the workload.
 */
import type { Observed, ProduceOutcome } from '../history/index.ts'
import { produceOutcomes } from './outcome.ts'

export { produceOutcomes, type V2OffsetEntry } from './outcome.ts'

const V2 = 'application/vnd.kafka.v2+json'
const V2_BINARY = 'application/vnd.kafka.binary.v2+json'

/** How long a metadata or offsets call may take before it counts as failed. */
export const ADMIN_CALL_TIMEOUT_MS = 10_000

/** A call the gateway answered with an error status. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError'
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`)
  }

  /** The REST Proxy error code of the answer, if it has one. */
  get errorCode(): number | undefined {
    const code = (this.body as { error_code?: unknown } | null)?.error_code
    return typeof code === 'number' ? code : undefined
  }
}

/** A partition as the gateway's metadata shows it. */
export interface PartitionView {
  readonly partition: number
  /** -1 while the partition has no leader. */
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
}

interface V2Partition {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly { broker: number; leader: boolean; in_sync: boolean }[]
}

const viewOf = (partition: V2Partition): PartitionView => ({
  partition: partition.partition,
  leader: partition.leader,
  replicas: partition.replicas.map((replica) => replica.broker),
  isr: partition.replicas.filter((replica) => replica.in_sync).map((replica) => replica.broker),
})

/** Whether every replica of the partition is in sync and one of them leads. */
export const fullyInSync = (view: PartitionView) =>
  view.leader >= 0 && view.replicas.every((broker) => view.isr.includes(broker))

/** Options of a topic the suite creates. */
export interface TopicSpec {
  readonly partitions: number
  readonly replicationFactor: number
  /** Topic configs, e.g. `min.insync.replicas`. */
  readonly configs?: Readonly<Record<string, string>>
}

async function request(
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<{ status: number; body: unknown }> {
  const timeout = AbortSignal.timeout(init.timeoutMs)
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout
  const response = await fetch(url, { ...init, signal })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text.length === 0 ? undefined : JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body }
}

/** One gateway of a cluster, as the fault workload and helpers call it. */
export class GatewayClient {
  constructor(readonly url: string) {}

  /** The id of the gateway's cluster (v3). */
  async clusterId(): Promise<string> {
    const reply = await request(`${this.url}/v3/clusters`, { timeoutMs: ADMIN_CALL_TIMEOUT_MS })
    if (reply.status !== 200) throw new GatewayError(reply.status, reply.body, 'list clusters')
    const [cluster] = (reply.body as { data: { cluster_id: string }[] }).data
    if (cluster === undefined) throw new Error('the gateway lists no cluster')
    return cluster.cluster_id
  }

  /** POST v3 topics; answers the status and body as they came (201 created, else refused). */
  async createTopic(
    name: string,
    spec: TopicSpec,
    timeoutMs = ADMIN_CALL_TIMEOUT_MS,
  ): Promise<{ status: number; body: unknown }> {
    const clusterId = await this.clusterId()
    return request(`${this.url}/v3/clusters/${clusterId}/topics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        topic_name: name,
        partitions_count: spec.partitions,
        replication_factor: spec.replicationFactor,
        configs: Object.entries(spec.configs ?? {}).map(([key, value]) => ({ name: key, value })),
      }),
      timeoutMs,
    })
  }

  /**
   * Produces `values` (keyless, one record each) to one partition with acks=all, and answers each
   * value's outcome (see {@link produceOutcomes}); never throws.
   */
  async produce(
    topic: string,
    partition: number,
    values: readonly string[],
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<ProduceOutcome[]> {
    const records = values.map((value) => ({ value: Buffer.from(value).toString('base64') }))
    try {
      const reply = await request(`${this.url}/topics/${topic}/partitions/${partition}?acks=all`, {
        method: 'POST',
        headers: { 'content-type': V2_BINARY, accept: V2 },
        body: JSON.stringify({ records }),
        timeoutMs: options.timeoutMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      })
      return produceOutcomes(values.length, reply)
    } catch (error) {
      return produceOutcomes(values.length, undefined, (error as Error).message)
    }
  }

  /**
   * The stateless partition read: records from `offset` up to the high watermark, waiting up to
   * `waitMs` when there is none yet. Throws a {@link GatewayError} on an error answer.
   */
  async read(
    topic: string,
    partition: number,
    offset: number,
    options: { readonly waitMs: number; readonly maxBytes?: number; readonly signal?: AbortSignal },
  ): Promise<Observed[]> {
    const query = `offset=${offset}&timeout=${options.waitMs}&max_bytes=${options.maxBytes ?? 1 << 20}`
    const reply = await request(
      `${this.url}/topics/${topic}/partitions/${partition}/records?${query}`,
      {
        headers: { accept: V2_BINARY },
        timeoutMs: options.waitMs + ADMIN_CALL_TIMEOUT_MS,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    )
    if (reply.status !== 200) {
      throw new GatewayError(reply.status, reply.body, `read ${topic}-${partition} at ${offset}`)
    }
    return (reply.body as { offset: number; value: string | null }[]).map((record) => ({
      partition,
      offset: record.offset,
      value: Buffer.from(record.value ?? '', 'base64').toString(),
    }))
  }

  /** A partition's first offset and its end (the high watermark). */
  async offsets(topic: string, partition: number): Promise<{ beginning: number; end: number }> {
    const reply = await request(`${this.url}/topics/${topic}/partitions/${partition}/offsets`, {
      headers: { accept: V2 },
      timeoutMs: ADMIN_CALL_TIMEOUT_MS,
    })
    if (reply.status !== 200) {
      throw new GatewayError(reply.status, reply.body, `offsets of ${topic}-${partition}`)
    }
    const body = reply.body as { beginning_offset: number; end_offset: number }
    return { beginning: body.beginning_offset, end: body.end_offset }
  }

  /** Every partition of `topic` with its leader and in-sync replicas (v2 metadata). */
  async partitions(topic: string): Promise<PartitionView[]> {
    const reply = await request(`${this.url}/topics/${topic}/partitions`, {
      headers: { accept: V2 },
      timeoutMs: ADMIN_CALL_TIMEOUT_MS,
    })
    if (reply.status !== 200) {
      throw new GatewayError(reply.status, reply.body, `partitions of ${topic}`)
    }
    return (reply.body as V2Partition[]).map(viewOf)
  }

  /** One partition with its leader and in-sync replicas. */
  async partition(topic: string, partition: number): Promise<PartitionView> {
    const reply = await request(`${this.url}/topics/${topic}/partitions/${partition}`, {
      headers: { accept: V2 },
      timeoutMs: ADMIN_CALL_TIMEOUT_MS,
    })
    if (reply.status !== 200) {
      throw new GatewayError(reply.status, reply.body, `partition ${topic}-${partition}`)
    }
    return viewOf(reply.body as V2Partition)
  }
}
