import { InvalidConfigError } from '@tributary/core'
import type { ParsedFlags } from './parse-flags.ts'

/** The part of a schema (zod's, for one) a setting needs: a parse that reports instead of throwing. */
export interface SettingSchema<T> {
  safeParse(raw: unknown):
    | { readonly success: true; readonly data: T }
    | {
        readonly success: false
        readonly error: { readonly issues: readonly { message: string }[] }
      }
}

/** One setting: its flag (without `--`), its environment variable, and its schema with the default. */
export interface Setting<T = unknown> {
  readonly flag: string
  readonly env: string
  readonly schema: SettingSchema<T>
}

/** The value a setting's schema produces. */
export type SettingValue<S> = S extends Setting<infer T> ? T : never

export type Environment = Readonly<Record<string, string | undefined>>

/**
 * Reads settings by key: the flag when given (even empty), else the environment variable when
 * set and not empty, else undefined, which the schema turns into the default. A value the schema
 * refuses throws INVALID_CONFIG naming where it came from: `--port=ninety: <schema's message>`,
 * or `CONTROLLER_PORT=ninety: ...`.
 */
export function settingReader<S extends Readonly<Record<string, Setting>>>(
  settings: S,
  flags: ParsedFlags['values'],
  env: Environment,
): <K extends keyof S>(key: K) => SettingValue<S[K]> {
  return (key) => {
    const setting = settings[key] as Setting
    const flag = flags[setting.flag]
    const raw = typeof flag === 'string' ? flag : env[setting.env] || undefined
    const parsed = setting.schema.safeParse(raw)
    if (!parsed.success) {
      const from = typeof flag === 'string' ? `--${setting.flag}` : setting.env
      throw new InvalidConfigError(
        `${from}=${String(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`,
      )
    }
    return parsed.data as SettingValue<S[typeof key]>
  }
}
