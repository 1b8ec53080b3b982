import { DEFAULT_BOOTSTRAP_SERVER } from '../args/index.ts'
import type { Command, CommandContext } from '../command/index.ts'
import { consoleConsumerCommand } from '../console-consumer/index.ts'
import { consoleProducerCommand } from '../console-producer/index.ts'
import { consumerGroupsCommand } from '../consumer-groups/index.ts'
import { consumerPerfTestCommand } from '../consumer-perf-test/index.ts'
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  exitCodeOf,
  formatError,
  UsageError,
} from '../errors/index.ts'
import type { Io } from '../io/index.ts'
import { producerPerfTestCommand } from '../producer-perf-test/index.ts'
import type { FetchFn } from '../rest/index.ts'
import { topicsCommand } from '../topics/index.ts'
import { hasStart, loadStart } from './start.ts'

/**
 * The `tributary` dispatcher: picks the command, handles `--help`, and turns every failure
 * into one line on stderr and an exit code (usage 2, anything else 1). `start` is looked up
 * at run time (see ./start.ts).
 */

export const COMMANDS: readonly Command[] = [
  topicsCommand,
  consoleProducerCommand,
  consoleConsumerCommand,
  consumerGroupsCommand,
  producerPerfTestCommand,
  consumerPerfTestCommand,
]

const START_SUMMARY = 'run controller, broker and gateway in one process (combined mode)'

export const mainUsage = (withStart: boolean): string => {
  const rows: [string, string][] = [
    ...(withStart ? [['start', START_SUMMARY] as [string, string]] : []),
    ...COMMANDS.map((command): [string, string] => [command.name, command.summary]),
  ]
  const width = Math.max(...rows.map(([name]) => name.length)) + 2
  return `Usage: tributary <command> [options]

Commands:
${rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`).join('\n')}

Run 'tributary <command> --help' for a command's options. Commands talk to the gateway's
REST API at --bootstrap-server (default $TRIBUTARY_BOOTSTRAP_SERVER, else
${DEFAULT_BOOTSTRAP_SERVER}).
`
}

export interface MainOptions {
  readonly io: Io
  /** The environment's bootstrap server (TRIBUTARY_BOOTSTRAP_SERVER), if any. */
  readonly bootstrapServer?: string | undefined
  readonly fetch?: FetchFn
}

const wantsHelp = (argv: readonly string[]): boolean =>
  argv.includes('--help') || argv.includes('-h')

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')

/**
 * Runs `tributary <argv>`. Answers the exit code, or undefined when `start` keeps the process
 * serving.
 */
export const main = async (
  argv: readonly string[],
  options: MainOptions,
): Promise<number | undefined> => {
  const { io } = options
  const [name, ...rest] = argv
  if (name === undefined) {
    await io.stderr.write(mainUsage(hasStart()))
    return EXIT_USAGE
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    await io.stdout.write(mainUsage(hasStart()))
    return EXIT_OK
  }
  if (name === 'start') {
    const start = await loadStart()
    if (start === undefined) {
      await io.stderr.write('Error: this build of tributary has no start command\n')
      return EXIT_USAGE
    }
    const code = await start.runStart(rest)
    return typeof code === 'number' ? code : undefined
  }
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (command === undefined) {
    await io.stderr.write(`Error: unknown command '${name}'\n\n${mainUsage(hasStart())}`)
    return EXIT_USAGE
  }
  if (wantsHelp(rest)) {
    await io.stdout.write(command.usage)
    return EXIT_OK
  }
  const context: CommandContext = {
    io,
    defaultBootstrapServer: options.bootstrapServer || DEFAULT_BOOTSTRAP_SERVER,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  }
  try {
    return await command.run(rest, context)
  } catch (error) {
    if (error instanceof UsageError) {
      await io.stderr.write(`${formatError(error)}\n\n${command.usage}`)
      return EXIT_USAGE
    }
    if (isAbort(error) && io.interrupt.aborted) return EXIT_FAILURE
    await io.stderr.write(`${formatError(error)}\n`)
    return error instanceof CliError ? exitCodeOf(error.code) : EXIT_FAILURE
  }
}
