import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { settingsUsageOptions, usageText } from '../src/index.ts'

describe('usageText', () => {
  it('aligns every flag, names its variable and default, and ends with --help', () => {
    const text = usageText('tributary-x', [
      { flag: 'port', env: 'X_PORT', default: 9000 },
      { flag: 'advertised-host', env: 'X_HOST' },
    ])
    expect(text).toBe(`Usage: tributary-x [options]

Options (each also read from the environment variable shown):
  --port              X_PORT (default 9000)
  --advertised-host   X_HOST
  --help              show this text`)
  })

  it("takes each setting's default from its schema", () => {
    const options = settingsUsageOptions({
      port: { flag: 'port', env: 'P', schema: z.coerce.number().default(8082) },
      controller: { flag: 'controller', env: 'C', schema: z.string().optional() },
    })
    expect(options).toEqual([
      { flag: 'port', env: 'P', default: 8082 },
      { flag: 'controller', env: 'C', default: undefined },
    ])
  })
})
