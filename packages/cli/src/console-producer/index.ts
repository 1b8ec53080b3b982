import { type Command, restClientFor } from '../command/index.ts'

import { parseLine } from './line.ts'
import { CONSOLE_PRODUCER, consoleProducerUsage, parseConsoleProducerArgs } from './options.ts'
import { type LineFailure, produceLines } from './pipeline.ts'

export type { LineFormat, ParsedLine } from './line.ts'
export { parseLine } from './line.ts'
export type { ConsoleProducerOptions } from './options.ts'
export { parseConsoleProducerArgs } from './options.ts'
export type { LineFailure, ProduceLinesOptions, ProduceLinesResult } from './pipeline.ts'
export { produceLines } from './pipeline.ts'

/** `Error: line 3: <message> (error_code N)`. */
export const formatLineFailure = (failure: LineFailure): string =>
  `Error: line ${failure.lineNumber}: ${failure.message}` +
  (failure.errorCode === undefined ? '' : ` (error_code ${failure.errorCode})`)

export const consoleProducerCommand: Command = {
  name: CONSOLE_PRODUCER,
  summary: 'send each line of stdin as a record',
  usage: consoleProducerUsage,
  async run(argv, context) {
    const options = parseConsoleProducerArgs(argv, context.defaultBootstrapServer)
    const { io } = context
    const client = restClientFor(context, options.bootstrapServer)
    const result = await produceLines({
      lines: io.lines(),
      parse: (line) => parseLine(line, options.line),
      send: (records) => client.produceBinary(options.topic, records),
      batchSize: options.batchSize,
      signal: io.interrupt,
      report: (failure) => io.stderr.write(`${formatLineFailure(failure)}\n`),
    })
    return result.failed > 0 ? 1 : 0
  },
}
