import { InvalidConfigError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { EXIT_BAD_CONFIG, EXIT_HELP, type ParsedConfig, readConfig } from '../src/index.ts'
import { memorySink } from './fakes.ts'

function read(parse: () => ParsedConfig<{ port: number }>, blankLineBeforeUsage?: boolean) {
  const stdout = memorySink()
  const stderr = memorySink()
  const reading = readConfig({
    command: 'tributary-test',
    usage: 'Usage: tributary-test [options]',
    parse,
    stdout,
    stderr,
    ...(blankLineBeforeUsage === undefined ? {} : { blankLineBeforeUsage }),
  })
  return { reading, stdout: stdout.text(), stderr: stderr.text() }
}

describe('readConfig', () => {
  it('answers the config and writes nothing', () => {
    const { reading, stdout, stderr } = read(() => ({ help: false, config: { port: 1 } }))
    expect(reading).toEqual({ config: { port: 1 } })
    expect(stdout + stderr).toBe('')
  })

  it('prints the usage on stdout for --help and answers exit 0', () => {
    const { reading, stdout, stderr } = read(() => ({ help: true }))
    expect(reading).toEqual({ exitCode: EXIT_HELP })
    expect(EXIT_HELP).toBe(0)
    expect(stdout).toBe('Usage: tributary-test [options]\n')
    expect(stderr).toBe('')
  })

  it("prints the parser's message and the usage on stderr and answers exit 2", () => {
    const { reading, stdout, stderr } = read(() => {
      throw new InvalidConfigError('--port=ninety: expected number')
    })
    expect(reading).toEqual({ exitCode: EXIT_BAD_CONFIG })
    expect(EXIT_BAD_CONFIG).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'tributary-test: --port=ninety: expected number\nUsage: tributary-test [options]\n',
    )
  })

  it('can leave a blank line between the message and the usage', () => {
    const { stderr } = read(() => {
      throw new Error('bad')
    }, true)
    expect(stderr).toBe('tributary-test: bad\n\nUsage: tributary-test [options]\n')
  })
})
