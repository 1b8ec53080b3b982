import {
  bootstrapServerOf,
  commonOptions,
  integerOption,
  parseCommandLine,
  requiredOption,
} from '../args/index.ts'
import { DEFAULT_MAX_BYTES } from '../partition-reader/index.ts'

export const CONSUMER_PERF_TEST = 'consumer-perf-test'

export const consumerPerfTestUsage = `Usage: tributary consumer-perf-test --topic <name> --messages <n> [options]

Read a topic's partitions as fast as the gateway serves them and report throughput and
latency (like kafka-consumer-perf-test.sh): progress every reporting interval, then
records/s, MB/s and the percentiles (p50, p95, p99, p99.9, max) of the read requests that
returned records. Starts at the earliest offsets.

Options:
  --topic <name>              the topic (required)
  --messages <n>              records to read (required)
  --timeout <ms>              give up after this long without a record (default 10000)
  --fetch-size <bytes>        max_bytes of each read (default 1048576)
  --from-latest               start at the end of each partition instead
  --reporting-interval <ms>   progress every this many ms (default 5000)
  --bootstrap-server <url>    the gateway (default $TRIBUTARY_BOOTSTRAP_SERVER or
                              http://localhost:8082)
  -h, --help                  print this help
`

const options = {
  ...commonOptions,
  topic: { type: 'string' },
  messages: { type: 'string' },
  timeout: { type: 'string' },
  'fetch-size': { type: 'string' },
  'from-latest': { type: 'boolean' },
  'reporting-interval': { type: 'string' },
} as const

export interface ConsumerPerfOptions {
  readonly bootstrapServer: string
  readonly topic: string
  readonly messages: number
  readonly timeoutMs: number
  readonly fetchSize: number
  readonly fromLatest: boolean
  readonly reportingIntervalMs: number
}

export const parseConsumerPerfArgs = (
  argv: readonly string[],
  defaultBootstrapServer: string,
): ConsumerPerfOptions => {
  const command = CONSUMER_PERF_TEST
  const values = parseCommandLine(command, argv, options)
  return {
    bootstrapServer: bootstrapServerOf(values['bootstrap-server'], defaultBootstrapServer),
    topic: requiredOption(command, 'topic', values.topic),
    messages: requiredOption(
      command,
      'messages',
      integerOption(command, 'messages', values.messages, { min: 1 }),
    ),
    timeoutMs: integerOption(command, 'timeout', values.timeout, { min: 1 }) ?? 10_000,
    fetchSize:
      integerOption(command, 'fetch-size', values['fetch-size'], { min: 1 }) ?? DEFAULT_MAX_BYTES,
    fromLatest: values['from-latest'] === true,
    reportingIntervalMs:
      integerOption(command, 'reporting-interval', values['reporting-interval'], { min: 1 }) ??
      5000,
  }
}
