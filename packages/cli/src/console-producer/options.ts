import {
  booleanProperty,
  bootstrapServerOf,
  commonOptions,
  integerOption,
  parseCommandLine,
  propertiesOf,
  requiredOption,
} from '../args/index.ts'
import type { LineFormat } from './line.ts'

export const CONSOLE_PRODUCER = 'console-producer'

export const consoleProducerUsage = `Usage: tributary console-producer --topic <name> [options]

Send each line of stdin as one record (like kafka-console-producer.sh). Lines that arrive
while a request is in flight go together in the next one, in order. A record the server
refuses is reported on stderr with its line number; the exit code is then 1.

Options:
  --topic <name>              the topic (required)
  --batch-size <n>            most records per request (default 200)
  --property <name=value>     parsing (repeatable):
                                parse.key=true   split each line into key and value
                                key.separator    between key and value (default tab)
                                ignore.error=true  a line without the separator is sent
                                                   whole as the value, with no key
  --bootstrap-server <url>    the gateway (default $TRIBUTARY_BOOTSTRAP_SERVER or
                              http://localhost:8082)
  -h, --help                  print this help
`

export const DEFAULT_PRODUCER_BATCH_SIZE = 200

const options = {
  ...commonOptions,
  topic: { type: 'string' },
  'batch-size': { type: 'string' },
  property: { type: 'string', multiple: true },
} as const

const PROPERTIES = ['parse.key', 'key.separator', 'ignore.error'] as const

export interface ConsoleProducerOptions {
  readonly bootstrapServer: string
  readonly topic: string
  readonly batchSize: number
  readonly line: LineFormat
}

export const parseConsoleProducerArgs = (
  argv: readonly string[],
  defaultBootstrapServer: string,
): ConsoleProducerOptions => {
  const values = parseCommandLine(CONSOLE_PRODUCER, argv, options)
  const properties = propertiesOf(CONSOLE_PRODUCER, values.property, PROPERTIES)
  return {
    bootstrapServer: bootstrapServerOf(values['bootstrap-server'], defaultBootstrapServer),
    topic: requiredOption(CONSOLE_PRODUCER, 'topic', values.topic),
    batchSize:
      integerOption(CONSOLE_PRODUCER, 'batch-size', values['batch-size'], {
        min: 1,
        max: 100_000,
      }) ?? DEFAULT_PRODUCER_BATCH_SIZE,
    line: {
      parseKey: booleanProperty(CONSOLE_PRODUCER, properties, 'parse.key', false),
      keySeparator: properties.get('key.separator') ?? '\t',
      ignoreError: booleanProperty(CONSOLE_PRODUCER, properties, 'ignore.error', false),
    },
  }
}
