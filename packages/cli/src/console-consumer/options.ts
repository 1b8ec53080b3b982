import {
  booleanProperty,
  bootstrapServerOf,
  commonOptions,
  integerOption,
  parseCommandLine,
  propertiesOf,
  requiredOption,
} from '../args/index.ts'
import { UsageError } from '../errors/index.ts'
import type { StartPosition } from '../partition-reader/index.ts'
import { DEFAULT_RECORD_FORMAT, type RecordFormat } from './format.ts'

export const CONSOLE_CONSUMER = 'console-consumer'

export const consoleConsumerUsage = `Usage: tributary console-consumer --topic <name> [options]

Print a topic's records on stdout, one per line (like kafka-console-consumer.sh). Reads
every partition round robin, or only --partition, with the gateway's stateless partition
read; with --group, through a consumer instance of that group (REST Proxy v2), sharing the
topic's partitions with the group's other members and committing what it reads. Stops after
--max-messages, after --timeout-ms without a record, on Ctrl-C, or when stdin is closed.

Options:
  --topic <name>              the topic (required)
  --group <id>                consume as a member of this consumer group (auto commit on;
                              on exit: commit, then leave the group)
  --from-beginning            start at each partition's earliest offset (default: its end;
                              with --group, only where the group committed nothing)
  --partition <p>             read only this partition (not with --group)
  --offset <n|earliest|latest>
                              where to start; a number needs --partition (not with --group)
  --max-messages <n>          exit after printing n records
  --timeout-ms <ms>           exit when no record arrived for this long
  --property <name=value>     formatting (repeatable):
                                print.key, print.value, print.timestamp, print.headers,
                                print.partition, print.offset (true|false),
                                key.separator (default tab), line.separator,
                                headers.separator (,), headers.key.separator (:),
                                null.literal (null)
  --bootstrap-server <url>    the gateway (default $TRIBUTARY_BOOTSTRAP_SERVER or
                              http://localhost:8082)
  -h, --help                  print this help
`

const options = {
  ...commonOptions,
  topic: { type: 'string' },
  group: { type: 'string' },
  'from-beginning': { type: 'boolean' },
  partition: { type: 'string' },
  offset: { type: 'string' },
  'max-messages': { type: 'string' },
  'timeout-ms': { type: 'string' },
  property: { type: 'string', multiple: true },
} as const

const PROPERTIES = [
  'print.key',
  'print.value',
  'print.timestamp',
  'print.headers',
  'print.partition',
  'print.offset',
  'key.separator',
  'line.separator',
  'headers.separator',
  'headers.key.separator',
  'null.literal',
] as const

export interface ConsoleConsumerOptions {
  readonly bootstrapServer: string
  readonly topic: string
  /** Consume as a member of this group (a v2 consumer instance) instead of reading partitions. */
  readonly group: string | undefined
  readonly partition: number | undefined
  readonly start: StartPosition
  readonly maxMessages: number | undefined
  readonly timeoutMs: number | undefined
  readonly format: RecordFormat
}

const startOf = (
  raw: string | undefined,
  fromBeginning: boolean,
  partition: number | undefined,
): StartPosition => {
  if (raw !== undefined && fromBeginning) {
    throw new UsageError('--from-beginning and --offset cannot be used together', CONSOLE_CONSUMER)
  }
  if (fromBeginning) return { kind: 'earliest' }
  if (raw === undefined || raw === 'latest') return { kind: 'latest' }
  if (raw === 'earliest') return { kind: 'earliest' }
  const offset = integerOption(CONSOLE_CONSUMER, 'offset', raw, { min: 0 }) as number
  if (partition === undefined) {
    throw new UsageError('--offset <n> needs --partition', CONSOLE_CONSUMER)
  }
  return { kind: 'offset', offset }
}

export const parseConsoleConsumerArgs = (
  argv: readonly string[],
  defaultBootstrapServer: string,
): ConsoleConsumerOptions => {
  const values = parseCommandLine(CONSOLE_CONSUMER, argv, options)
  const group = values.group
  if (group !== undefined) {
    if (group.trim() === '') throw new UsageError('--group needs a group id', CONSOLE_CONSUMER)
    for (const flag of ['partition', 'offset'] as const) {
      if (values[flag] !== undefined) {
        throw new UsageError(`--group and --${flag} cannot be used together`, CONSOLE_CONSUMER)
      }
    }
  }
  const partition = integerOption(CONSOLE_CONSUMER, 'partition', values.partition, { min: 0 })
  const properties = propertiesOf(CONSOLE_CONSUMER, values.property, PROPERTIES)
  const flag = (key: string, fallback: boolean): boolean =>
    booleanProperty(CONSOLE_CONSUMER, properties, key, fallback)
  const d = DEFAULT_RECORD_FORMAT
  return {
    bootstrapServer: bootstrapServerOf(values['bootstrap-server'], defaultBootstrapServer),
    topic: requiredOption(CONSOLE_CONSUMER, 'topic', values.topic),
    group,
    partition,
    start: startOf(values.offset, values['from-beginning'] === true, partition),
    maxMessages: integerOption(CONSOLE_CONSUMER, 'max-messages', values['max-messages'], {
      min: 1,
    }),
    timeoutMs: integerOption(CONSOLE_CONSUMER, 'timeout-ms', values['timeout-ms'], { min: 1 }),
    format: {
      printKey: flag('print.key', d.printKey),
      printValue: flag('print.value', d.printValue),
      printTimestamp: flag('print.timestamp', d.printTimestamp),
      printHeaders: flag('print.headers', d.printHeaders),
      printPartition: flag('print.partition', d.printPartition),
      printOffset: flag('print.offset', d.printOffset),
      keySeparator: properties.get('key.separator') ?? d.keySeparator,
      lineSeparator: properties.get('line.separator') ?? d.lineSeparator,
      headersSeparator: properties.get('headers.separator') ?? d.headersSeparator,
      headersKeySeparator: properties.get('headers.key.separator') ?? d.headersKeySeparator,
      nullLiteral: properties.get('null.literal') ?? d.nullLiteral,
    },
  }
}
