import { InvalidConfigError } from '@tributary/core'

/** The highest TCP port; 0 asks the OS for a free one. */
export const MAX_PORT = 65_535

/** pino's levels, `silent` included: what `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value)
}

/**
 * `text` as an integer in [min, max], written as decimal digits only (no sign, exponent or
 * spaces). Otherwise throws INVALID_CONFIG: `<name> must be an integer in [min, max], got '<text>'`.
 */
export function parseInteger(text: string, name: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InvalidConfigError(`${name} must be an integer in [${min}, ${max}], got '${text}'`)
  }
  return value
}

/** `text` as a port (0-65535), else INVALID_CONFIG: `<name> must be a port number (0-65535), got '<text>'`. */
export function parsePort(text: string, name: string): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value > MAX_PORT) {
    throw new InvalidConfigError(`${name} must be a port number (0-${MAX_PORT}), got '${text}'`)
  }
  return value
}
