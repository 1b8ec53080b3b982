import { type ParseArgsConfig, parseArgs } from 'node:util'
import { UsageError } from '../errors/index.ts'

/**
 * Command-line parsing on node:util `parseArgs`, with Kafka's habits: `--throughput -1` takes
 * the negative number as the value, `--property k=v` and `--config k=v` repeat, and every
 * mistake is a UsageError naming the command whose usage to print.
 */

export const DEFAULT_BOOTSTRAP_SERVER = 'http://localhost:8082'

/** A command's option table, as parseArgs takes it. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>

type OptionValue<O> = O extends { type: 'string'; multiple: true }
  ? string[]
  : O extends { type: 'string' }
    ? string
    : O extends { type: 'boolean'; multiple: true }
      ? boolean[]
      : boolean

/** What strict parseArgs answers for an option table: each option's value, or absent. */
export type ParsedOptions<T extends OptionsConfig> = {
  -readonly [K in keyof T]?: OptionValue<T[K]>
}

/** Options every server-facing command accepts. */
export const commonOptions = {
  'bootstrap-server': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig

/**
 * `--name -1` → `--name=-1` for string options, since parseArgs refuses a value that starts
 * with a dash. Only numbers are joined, so a forgotten value before another flag still fails.
 */
export const joinNegativeValues = (argv: readonly string[], options: OptionsConfig): string[] => {
  const joined: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1]
    const name = arg.startsWith('--') ? arg.slice(2) : undefined
    if (
      name !== undefined &&
      options[name]?.type === 'string' &&
      next !== undefined &&
      /^-\d/.test(next)
    ) {
      joined.push(`${arg}=${next}`)
      i++
    } else {
      joined.push(arg)
    }
  }
  return joined
}

/** parseArgs in strict mode, no positionals; its errors become UsageErrors. */
export const parseCommandLine = <T extends OptionsConfig>(
  command: string,
  argv: readonly string[],
  options: T,
): ParsedOptions<T> => {
  try {
    const config: ParseArgsConfig = {
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: false,
    }
    return parseArgs(config).values as ParsedOptions<T>
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new UsageError(message ?? 'invalid arguments', command)
  }
}

export interface IntegerBounds {
  readonly min?: number
  readonly max?: number
}

/** An integer option's value, or undefined when absent; anything else is a UsageError. */
export const integerOption = (
  command: string,
  name: string,
  raw: string | undefined,
  bounds: IntegerBounds = {},
): number | undefined => {
  if (raw === undefined) return undefined
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} must be an integer, not '${raw}'`, command)
  }
  if (bounds.min !== undefined && value < bounds.min) {
    throw new UsageError(`--${name} must be at least ${bounds.min}, not ${value}`, command)
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw new UsageError(`--${name} must be at most ${bounds.max}, not ${value}`, command)
  }
  return value
}

export const requiredOption = <T>(command: string, name: string, value: T | undefined): T => {
  if (value === undefined || value === '') {
    throw new UsageError(`--${name} is required`, command)
  }
  return value
}

/** `k=v` pairs in order; the value may itself contain `=`. */
export const keyValuePairs = (
  command: string,
  flag: string,
  raw: readonly string[] | undefined,
): [string, string][] =>
  (raw ?? []).map((pair) => {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--${flag} expects key=value, not '${pair}'`, command)
    return [pair.slice(0, at), pair.slice(at + 1)]
  })

/** `--property k=v` repeated into a map; a key outside `known` is a UsageError. */
export const propertiesOf = (
  command: string,
  raw: readonly string[] | undefined,
  known: readonly string[],
): Map<string, string> => {
  const properties = new Map<string, string>()
  for (const [key, value] of keyValuePairs(command, 'property', raw)) {
    if (!known.includes(key)) {
      throw new UsageError(
        `unknown property '${key}'; this command knows ${known.join(', ')}`,
        command,
      )
    }
    properties.set(key, value)
  }
  return properties
}

export const booleanProperty = (
  command: string,
  properties: ReadonlyMap<string, string>,
  key: string,
  fallback: boolean,
): boolean => {
  const raw = properties.get(key)
  if (raw === undefined) return fallback
  if (/^true$/i.test(raw)) return true
  if (/^false$/i.test(raw)) return false
  throw new UsageError(`property ${key} must be true or false, not '${raw}'`, command)
}

/**
 * The gateway's base URL: the flag, else the environment's default. A bare `host:port` (what
 * Kafka users type) gets `http://`.
 */
export const bootstrapServerOf = (flag: string | undefined, fallback: string): string => {
  const server = (flag ?? fallback).trim()
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`
}
