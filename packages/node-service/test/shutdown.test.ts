import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { exitOnUncaughtErrors, STOP_SIGNALS, stopOnSignals } from '../src/index.ts'
import { FakeProcess, memoryLogger } from './fakes.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** Lets the stop sequence's awaits run. */
const settle = () => vi.advanceTimersByTimeAsync(0)

describe('stopOnSignals', () => {
  it.each(STOP_SIGNALS)(
    'on %s runs stop once, logs stopping and stopped, exits 0',
    async (signal) => {
      const process = new FakeProcess()
      const { logger, lines } = memoryLogger()
      const stop = vi.fn(async () => {})
      stopOnSignals({ process, logger, timeoutMs: 1_000, stop })
      process.emit(signal)
      process.emit('SIGTERM')
      process.emit('SIGINT')
      await settle()
      expect(stop).toHaveBeenCalledTimes(1)
      expect(process.exits).toEqual([0])
      expect(lines.map((l) => [l.msg, l.signal])).toEqual([
        ['stopping', signal],
        ['stopped', undefined],
      ])
    },
  )

  it('exits 1 with the timeout logged when stop takes longer than the timeout', async () => {
    const process = new FakeProcess()
    const { logger, lines } = memoryLogger()
    stopOnSignals({ process, logger, timeoutMs: 1_000, stop: () => new Promise(() => {}) })
    process.emit('SIGTERM')
    await vi.advanceTimersByTimeAsync(999)
    expect(process.exits).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(process.exits).toEqual([1])
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      timeoutMs: 1_000,
      msg: 'graceful stop took too long; exiting',
    })
  })

  it('can leave timeoutMs out of the timeout line', async () => {
    const process = new FakeProcess()
    const { logger, lines } = memoryLogger()
    const stop = () => new Promise<void>(() => {})
    stopOnSignals({ process, logger, timeoutMs: 10, stop, logTimeoutMs: false })
    process.emit('SIGINT')
    await vi.advanceTimersByTimeAsync(10)
    expect(process.exits).toEqual([1])
    expect(lines.at(-1)?.msg).toBe('graceful stop took too long; exiting')
    expect(lines.at(-1)).not.toHaveProperty('timeoutMs')
  })

  it('logs a failed stop with its message and exits 1, without logging stopped', async () => {
    const process = new FakeProcess()
    const { logger, lines } = memoryLogger()
    const stop = () => Promise.reject(new Error('disk gone'))
    stopOnSignals({ process, logger, timeoutMs: 1_000, stop, failureMessage: 'unclean stop' })
    process.emit('SIGTERM')
    await settle()
    expect(process.exits).toEqual([1])
    expect(lines.map((l) => l.msg)).toEqual(['stopping', 'unclean stop'])
    expect(lines[1]).toMatchObject({ level: 50, err: { message: 'disk gone' } })
  })

  it('without a failure message, leaves a failed stop to reject (for unhandledRejection)', async () => {
    const process = new FakeProcess()
    const { logger } = memoryLogger()
    const stop = () => Promise.reject(new Error('disk gone'))
    const trigger = stopOnSignals({ process, logger, timeoutMs: 1_000, stop })
    await expect(trigger('SIGTERM')).rejects.toThrow('disk gone')
    expect(process.exits).toEqual([])
  })

  it('can leave the stopped line to the service', async () => {
    const process = new FakeProcess()
    const { logger, lines } = memoryLogger()
    const trigger = stopOnSignals({
      process,
      logger,
      timeoutMs: 1_000,
      stop: async () => {},
      logStopped: false,
    })
    await trigger('SIGTERM')
    expect(process.exits).toEqual([0])
    expect(lines.map((l) => l.msg)).toEqual(['stopping'])
  })
})

describe('exitOnUncaughtErrors', () => {
  it.each([
    ['uncaughtException', 'uncaught exception'],
    ['unhandledRejection', 'unhandled rejection'],
  ])('logs %s as fatal and exits 1', (event, msg) => {
    const process = new FakeProcess()
    const { logger, lines } = memoryLogger()
    exitOnUncaughtErrors(logger, process)
    process.emit(event, new Error('boom'))
    expect(process.exits).toEqual([1])
    expect(lines).toEqual([expect.objectContaining({ level: 60, msg, err: expect.anything() })])
  })
})
