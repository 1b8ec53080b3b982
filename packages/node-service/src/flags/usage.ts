import type { Setting } from './settings.ts'

/** One row of a usage text: a flag (without `--`), its environment variable, its default. */
export interface UsageOption {
  readonly flag: string
  readonly env: string
  /** Shown as `(default …)`; omitted when undefined. */
  readonly default?: unknown
}

/**
 * The `--help` text every service prints: one line per flag with the environment variable that
 * also sets it and its default, columns aligned, then `--help`.
 */
export function usageText(command: string, options: readonly UsageOption[]): string {
  const width = Math.max('help'.length, ...options.map((option) => option.flag.length)) + 2
  const line = (flag: string, rest: string) => `  --${flag.padEnd(width)} ${rest}`
  const rows = options.map((option) =>
    line(
      option.flag,
      `${option.env}${option.default === undefined ? '' : ` (default ${String(option.default)})`}`,
    ),
  )
  return `Usage: ${command} [options]

Options (each also read from the environment variable shown):
${[...rows, line('help', 'show this text')].join('\n')}`
}

/** The usage rows of zod-like settings, each default being what its schema makes of nothing. */
export function settingsUsageOptions(settings: Readonly<Record<string, Setting>>): UsageOption[] {
  return Object.values(settings).map((setting) => {
    const parsed = setting.schema.safeParse(undefined)
    return {
      flag: setting.flag,
      env: setting.env,
      default: parsed.success ? parsed.data : undefined,
    }
  })
}
