import { ErrorCode, InvalidConfigError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import {
  isLogLevel,
  LOG_LEVELS,
  parseFlags,
  parseInteger,
  parsePort,
  type SettingSchema,
  settingReader,
} from '../src/index.ts'

/** A zod-like schema: a whole number (or `fallback` when undefined), or an issue. */
const wholeNumber = (fallback: number): SettingSchema<number> => ({
  safeParse: (raw) =>
    raw === undefined
      ? { success: true, data: fallback }
      : /^\d+$/.test(String(raw))
        ? { success: true, data: Number(raw) }
        : { success: false, error: { issues: [{ message: 'expected a whole number' }] } },
})
const text = (fallback: string): SettingSchema<string> => ({
  safeParse: (raw) => ({ success: true, data: raw === undefined ? fallback : String(raw) }),
})

describe('parseFlags', () => {
  it('reads string flags in both spellings and leaves absent ones undefined', () => {
    const flags = parseFlags(['--port', '0', '--data-dir=/tmp/x'], ['port', 'data-dir', 'host'])
    expect(flags).toEqual({
      help: false,
      values: { port: '0', 'data-dir': '/tmp/x', host: undefined },
    })
  })

  it('notices --help, and -h only when asked to', () => {
    expect(parseFlags(['--help'], ['port']).help).toBe(true)
    expect(parseFlags(['-h'], ['port'], { helpShort: 'h' }).help).toBe(true)
    expect(() => parseFlags(['-h'], ['port'])).toThrow(InvalidConfigError)
  })

  it.each([
    [['--colour', 'blue'], /colour/],
    [['positional'], /positional/],
    [['--port'], /--port/],
  ])('refuses %j with INVALID_CONFIG', (argv, message) => {
    const error = captured(() => parseFlags(argv, ['port']))
    expect(error).toBeInstanceOf(InvalidConfigError)
    expect((error as InvalidConfigError).code).toBe(ErrorCode.InvalidConfig)
    expect((error as Error).message).toMatch(message)
  })
})

describe('settingReader', () => {
  const settings = {
    port: { flag: 'port', env: 'SERVICE_PORT', schema: wholeNumber(9093) },
    host: { flag: 'host', env: 'SERVICE_HOST', schema: text('0.0.0.0') },
  } as const

  it('takes the flag, then a non-empty environment variable, then the default', () => {
    const env = { SERVICE_PORT: '7000', SERVICE_HOST: '' }
    const fromFlag = settingReader(settings, parseFlags(['--port=8000'], ['port']).values, env)
    const fromEnv = settingReader(settings, parseFlags([], ['port', 'host']).values, env)
    expect(fromFlag('port')).toBe(8000)
    expect(fromEnv('port')).toBe(7000)
    expect(fromEnv('host')).toBe('0.0.0.0')
  })

  it('names the flag or the variable a refused value came from', () => {
    const flags = parseFlags(['--port', 'ninety'], ['port', 'host']).values
    expect(() => settingReader(settings, flags, {})('port')).toThrow(
      '--port=ninety: expected a whole number',
    )
    const empty = parseFlags([], ['port']).values
    const fromEnv = settingReader(settings, empty, { SERVICE_PORT: 'x' })
    expect(() => fromEnv('port')).toThrow('SERVICE_PORT=x: expected a whole number')
    expect(captured(() => fromEnv('port'))).toBeInstanceOf(InvalidConfigError)
  })
})

describe('parseInteger and parsePort', () => {
  it('accept decimal digits within the bounds', () => {
    expect(parseInteger('0', '--broker-id', 0, 10)).toBe(0)
    expect(parseInteger('10', '--broker-id', 0, 10)).toBe(10)
    expect(parsePort('0', '--port')).toBe(0)
    expect(parsePort('65535', '--port')).toBe(65_535)
  })

  it.each(['-1', '1e3', ' 5', '5.0', '0x10', '', '11'])('parseInteger refuses %j', (text) => {
    const error = captured(() => parseInteger(text, '--n (N)', 0, 10))
    expect(error).toBeInstanceOf(InvalidConfigError)
    expect((error as Error).message).toBe(`--n (N) must be an integer in [0, 10], got '${text}'`)
  })

  it.each(['65536', 'ninety', '-1', ''])('parsePort refuses %j', (text) => {
    expect(() => parsePort(text, '--port')).toThrow(
      `--port must be a port number (0-65535), got '${text}'`,
    )
  })
})

describe('log levels', () => {
  it("are pino's, silent included", () => {
    expect(LOG_LEVELS).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    expect(isLogLevel('debug')).toBe(true)
    expect(isLogLevel('verbose')).toBe(false)
  })
})

function captured(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}
