import {
  type DataPlaneClient,
  errorCodeInfo,
  type FetchResponse,
  type GroupResponse,
  type ListOffsetsResponse,
  type OffsetsForLeaderEpochResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '@tributary/core'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** What the broker's gauges are read from when Prometheus scrapes. */
export interface BrokerGaugeSources {
  readonly hostedPartitions: () => number
  readonly ledPartitions: () => number
  readonly metadataOffset: () => number
}

/** The broker's Prometheus metrics, in a registry of its own (never prom-client's global one). */
export interface BrokerMetrics {
  readonly registry: Registry
  readonly requests: Counter<'api' | 'error'>
  readonly requestSeconds: Histogram<'api'>
  readonly producedBytes: Counter
  readonly fetchedBytes: Counter
  readonly connections: Gauge
}

/** Kafka's numbers back to names; -1 reads as UNKNOWN_SERVER_ERROR, the first code with it. */
const kafkaCodeNames = new Map<number, string>()
for (const [code, info] of Object.entries(errorCodeInfo)) {
  if (!kafkaCodeNames.has(info.kafkaCode)) kafkaCodeNames.set(info.kafkaCode, code)
}

export function createBrokerMetrics(sources: BrokerGaugeSources): BrokerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  new Gauge({
    name: 'tributary_broker_partitions',
    help: 'Partition replicas hosted by this broker',
    registers,
    collect() {
      this.set(sources.hostedPartitions())
    },
  })
  new Gauge({
    name: 'tributary_broker_leader_partitions',
    help: 'Partitions this broker leads',
    registers,
    collect() {
      this.set(sources.ledPartitions())
    },
  })
  new Gauge({
    name: 'tributary_broker_metadata_offset',
    help: 'Offset of the last metadata record the replicas were brought in line with',
    registers,
    collect() {
      this.set(sources.metadataOffset())
    },
  })
  return {
    registry,
    requests: new Counter({
      name: 'tributary_broker_requests_total',
      help: 'Data-plane requests served, by API and error code (NONE when it succeeded)',
      labelNames: ['api', 'error'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'tributary_broker_request_duration_seconds',
      help: 'Time to serve a data-plane request, long-poll waits included',
      labelNames: ['api'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    producedBytes: new Counter({
      name: 'tributary_broker_produced_bytes_total',
      help: 'Record batch bytes appended by produce requests',
      registers,
    }),
    fetchedBytes: new Counter({
      name: 'tributary_broker_fetched_bytes_total',
      help: 'Record batch bytes returned by fetch requests',
      registers,
    }),
    connections: new Gauge({
      name: 'tributary_broker_connections',
      help: 'Open data-plane connections',
      registers,
    }),
  }
}

/**
 * `client` with every request counted and timed in `metrics`. Group requests count under api
 * `group`, their error as the Group error code.
 */
export function instrumentDataPlane(
  client: DataPlaneClient,
  metrics: BrokerMetrics,
): DataPlaneClient {
  const timed = async <R>(api: string, serve: () => Promise<R>, error: (r: R) => string) => {
    const stop = metrics.requestSeconds.startTimer({ api })
    const response = await serve()
    stop()
    metrics.requests.inc({ api, error: error(response) })
    return response
  }
  const observe = <R extends { readonly errorCode: number }>(
    api: string,
    serve: () => Promise<R>,
  ): Promise<R> =>
    timed(api, serve, (response) =>
      response.errorCode === 0
        ? 'NONE'
        : (kafkaCodeNames.get(response.errorCode) ?? String(response.errorCode)),
    )
  return {
    produce: (request: ProduceRequest) =>
      observe<ProduceResponse>('produce', async () => {
        const size = request.records.length
        const response = await client.produce(request)
        if (response.errorCode === 0) metrics.producedBytes.inc(size)
        return response
      }),
    fetch: (request) =>
      observe<FetchResponse>('fetch', async () => {
        const response = await client.fetch(request)
        metrics.fetchedBytes.inc(response.records.length)
        return response
      }),
    listOffsets: (request) =>
      observe<ListOffsetsResponse>('listOffsets', () => client.listOffsets(request)),
    offsetsForLeaderEpoch: (request) =>
      observe<OffsetsForLeaderEpochResponse>('offsetsForLeaderEpoch', () =>
        client.offsetsForLeaderEpoch(request),
      ),
    group: (request) =>
      timed(
        'group',
        () => client.group(request),
        (response: GroupResponse) => (response.ok ? 'NONE' : response.error.code),
      ),
    close: () => client.close(),
  }
}
