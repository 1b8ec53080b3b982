import type { Io } from '../io/index.ts'
import { createRestClient, type FetchFn, type RestClient } from '../rest/index.ts'

/** What the dispatcher hands every command. */
export interface CommandContext {
  readonly io: Io
  /** `--bootstrap-server` when the flag is absent: the environment's, else localhost:8082. */
  readonly defaultBootstrapServer: string
  /** Replaces the global fetch (tests). */
  readonly fetch?: FetchFn
}

export interface Command {
  readonly name: string
  /** One line for `tributary --help`. */
  readonly summary: string
  /** The text `tributary <name> --help` prints. */
  readonly usage: string
  /** Runs to completion and answers the exit code; throws CliErrors. */
  run(argv: readonly string[], context: CommandContext): Promise<number>
}

/** The REST client a command talks to the gateway through, with the context's fetch (tests). */
export const restClientFor = (context: CommandContext, bootstrapServer: string): RestClient =>
  createRestClient({
    baseUrl: bootstrapServer,
    ...(context.fetch ? { fetch: context.fetch } : {}),
  })
