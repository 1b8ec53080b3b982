import {
  bootstrapServerOf,
  commonOptions,
  integerOption,
  parseCommandLine,
  requiredOption,
} from '../args/index.ts'
import { UsageError } from '../errors/index.ts'

export const PRODUCER_PERF_TEST = 'producer-perf-test'

export const producerPerfTestUsage = `Usage: tributary producer-perf-test --topic <name> --num-records <n>
         --record-size <bytes> --throughput <records/s | -1> [options]

Produce records as fast as allowed and report throughput and latency (like
kafka-producer-perf-test.sh): progress every reporting interval, then records/s, MB/s and
latency percentiles (p50, p95, p99, p99.9, max). A record's latency is that of the request
that carried it.

Options:
  --topic <name>              the topic (required)
  --num-records <n>           records to send (required)
  --record-size <bytes>       value size of each record (required)
  --throughput <n>            records per second at most; -1 for no limit (required)
  --batch-size <n>            records per request (default 100)
  --concurrency <n>           requests in flight (default 4)
  --reporting-interval <ms>   progress every this many ms (default 5000)
  --bootstrap-server <url>    the gateway (default $TRIBUTARY_BOOTSTRAP_SERVER or
                              http://localhost:8082)
  -h, --help                  print this help
`

const options = {
  ...commonOptions,
  topic: { type: 'string' },
  'num-records': { type: 'string' },
  'record-size': { type: 'string' },
  throughput: { type: 'string' },
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  'reporting-interval': { type: 'string' },
} as const

export interface ProducerPerfOptions {
  readonly bootstrapServer: string
  readonly topic: string
  readonly numRecords: number
  readonly recordSize: number
  /** Records per second; undefined for no limit. */
  readonly throughput: number | undefined
  readonly batchSize: number
  readonly concurrency: number
  readonly reportingIntervalMs: number
}

export const parseProducerPerfArgs = (
  argv: readonly string[],
  defaultBootstrapServer: string,
): ProducerPerfOptions => {
  const command = PRODUCER_PERF_TEST
  const values = parseCommandLine(command, argv, options)
  const int = (name: keyof typeof values, min: number, max?: number): number | undefined =>
    integerOption(command, name, values[name] as string | undefined, {
      min,
      ...(max === undefined ? {} : { max }),
    })
  const throughput = requiredOption(command, 'throughput', int('throughput', -1))
  if (throughput === 0) {
    throw new UsageError('--throughput must be positive, or -1 for no limit', command)
  }
  return {
    bootstrapServer: bootstrapServerOf(values['bootstrap-server'], defaultBootstrapServer),
    topic: requiredOption(command, 'topic', values.topic),
    numRecords: requiredOption(command, 'num-records', int('num-records', 1)),
    recordSize: requiredOption(command, 'record-size', int('record-size', 0, 64 * 1024 * 1024)),
    throughput: throughput < 0 ? undefined : throughput,
    batchSize: int('batch-size', 1, 100_000) ?? 100,
    concurrency: int('concurrency', 1, 1024) ?? 4,
    reportingIntervalMs: int('reporting-interval', 1) ?? 5000,
  }
}
