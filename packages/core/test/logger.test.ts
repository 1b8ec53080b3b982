import { describe, expect, it } from 'vitest'
import { createMemoryLogger, silentLogger } from '../src/index.ts'

describe('logger', () => {
  it('records entries with child bindings in order', () => {
    const logger = createMemoryLogger({ service: 'test' })
    logger.info('started')
    logger.child({ partition: 3 }).warn({ cut: 2 }, 'tail cut')
    expect(logger.entries).toEqual([
      { level: 'info', fields: { service: 'test' }, message: 'started' },
      { level: 'warn', fields: { service: 'test', partition: 3, cut: 2 }, message: 'tail cut' },
    ])
  })

  it('has a silent logger whose children are silent too', () => {
    expect(silentLogger.child({ a: 1 })).toBe(silentLogger)
    expect(() => silentLogger.error({ any: 'thing' }, 'dropped')).not.toThrow()
  })
})
