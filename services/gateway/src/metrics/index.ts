import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

/**
 * The gateway's Prometheus metrics, in a registry of its own per app (so two apps in one process,
 * as in tests or combined mode, never collide), served at `/metrics`.
 */
export interface GatewayMetrics {
  readonly registry: Registry
  readonly httpRequests: Counter<'method' | 'route' | 'status'>
  readonly httpDuration: Histogram<'method' | 'route'>
  readonly producedRecords: Counter
  readonly batches: Counter
  readonly batchRecords: Histogram
  readonly batchBytes: Histogram
  readonly produceRetries: Counter<'reason'>
  readonly recordErrors: Counter<'error_code'>
  readonly asyncProduceFailures: Counter
  /** Records returned to consumer instances (records reads and event streams). */
  readonly consumedRecords: Counter
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry()
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    httpRequests: new Counter({
      name: 'tributary_gateway_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'tributary_gateway_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (for streams: until the response starts)',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    producedRecords: new Counter({
      name: 'tributary_gateway_produce_records_total',
      help: 'Records accepted for produce',
      registers,
    }),
    batches: new Counter({
      name: 'tributary_gateway_produce_batches_total',
      help: 'Record batches sent to partition leaders (each may carry several requests)',
      registers,
    }),
    batchRecords: new Histogram({
      name: 'tributary_gateway_produce_batch_records',
      help: 'Records per coalesced batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000],
      registers,
    }),
    batchBytes: new Histogram({
      name: 'tributary_gateway_produce_batch_bytes',
      help: 'Bytes per coalesced batch',
      buckets: [256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304],
      registers,
    }),
    produceRetries: new Counter({
      name: 'tributary_gateway_produce_retries_total',
      help: 'Batches sent again after a retriable error, by error',
      labelNames: ['reason'],
      registers,
    }),
    recordErrors: new Counter({
      name: 'tributary_gateway_produce_record_errors_total',
      help: 'Records that could not be produced, by REST error code',
      labelNames: ['error_code'],
      registers,
    }),
    asyncProduceFailures: new Counter({
      name: 'tributary_gateway_async_produce_failures_total',
      help: 'Records accepted by an async produce that were then lost',
      registers,
    }),
    consumedRecords: new Counter({
      name: 'tributary_gateway_consumed_records_total',
      help: 'Records returned to consumer instances',
      registers,
    }),
  }
}
