/** Where text goes: `process.stdout` and `process.stderr`, or a test's buffer. */
export interface TextSink {
  write(text: string): unknown
}

/** What a config parser answers: a request for the usage text, or the config. */
export type ParsedConfig<C> = { readonly help: true } | { readonly help: false; readonly config: C }

/** Usage asked for: exit 0. */
export const EXIT_HELP = 0
/** A bad flag or setting: exit 2, as for any usage error. */
export const EXIT_BAD_CONFIG = 2

export interface ReadConfigOptions<C> {
  /** Prefixes the error line: `tributary-controller: <message>`. */
  readonly command: string
  readonly usage: string
  /** The service's parser, with its argv and environment already applied. */
  readonly parse: () => ParsedConfig<C>
  readonly stdout: TextSink
  readonly stderr: TextSink
  /** A blank line between the error and the usage text (the CLI's subcommands have one). */
  readonly blankLineBeforeUsage?: boolean
}

/** The config to run with, or the exit code to end with (the text is already written). */
export type ConfigReading<C> =
  | { readonly config: C; readonly exitCode?: undefined }
  | { readonly config?: undefined; readonly exitCode: typeof EXIT_HELP | typeof EXIT_BAD_CONFIG }

/**
 * Runs a service's config parser the way every Tributary command does: usage on stdout for
 * `--help` (exit 0); the parser's message then the usage on stderr for bad input (exit 2). It
 * writes but never exits, so an entry file decides how to end (services call `process.exit`,
 * the CLI returns the code).
 */
export function readConfig<C>(options: ReadConfigOptions<C>): ConfigReading<C> {
  const usage = options.usage.endsWith('\n') ? options.usage : `${options.usage}\n`
  let parsed: ParsedConfig<C>
  try {
    parsed = options.parse()
  } catch (error) {
    const gap = options.blankLineBeforeUsage === true ? '\n' : ''
    options.stderr.write(`${options.command}: ${(error as Error).message}\n${gap}${usage}`)
    return { exitCode: EXIT_BAD_CONFIG }
  }
  if (parsed.help) {
    options.stdout.write(usage)
    return { exitCode: EXIT_HELP }
  }
  return { config: parsed.config }
}
