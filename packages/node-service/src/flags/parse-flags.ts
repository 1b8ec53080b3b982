import { parseArgs } from 'node:util'
import { InvalidConfigError } from '@tributary/core'

/** What a command line said: whether it asked for help, and each flag's value. */
export interface ParsedFlags {
  readonly help: boolean
  /** Each known flag's value as given (`--port=0` and `--port 0` alike); absent flags are undefined. */
  readonly values: Readonly<Record<string, string | undefined>>
}

export interface ParseFlagsOptions {
  /** A one-letter alias of `--help` (the CLI's `-h`); services take `--help` only. */
  readonly helpShort?: string
}

/**
 * Reads `argv` as the string-valued `flags` plus `--help`, strictly: an unknown flag, a missing
 * value or a positional argument is refused with INVALID_CONFIG carrying node's message.
 */
export function parseFlags(
  argv: readonly string[],
  flags: readonly string[],
  options: ParseFlagsOptions = {},
): ParsedFlags {
  const help =
    options.helpShort === undefined
      ? { type: 'boolean' as const }
      : { type: 'boolean' as const, short: options.helpShort }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(flags.map((flag) => [flag, { type: 'string' as const }])),
        help,
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new InvalidConfigError(error instanceof Error ? error.message : String(error))
  }
  const strings: Record<string, string | undefined> = {}
  for (const flag of flags) {
    const value = values[flag]
    strings[flag] = typeof value === 'string' ? value : undefined
  }
  return { help: values.help === true, values: strings }
}
