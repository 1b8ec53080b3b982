import type { Logger } from 'pino'
import { EXIT_FAILURE, type ProcessHooks } from '../logging/index.ts'

/** The signals that stop a service gracefully. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const

export interface StopOnSignalsOptions {
  readonly process: ProcessHooks
  readonly logger: Pick<Logger, 'info' | 'error'>
  /** How long `stop` may take before the process gives up and exits 1. */
  readonly timeoutMs: number
  /** The service's own stop sequence (stop accepting, drain, close stores); runs once. */
  readonly stop: () => Promise<void>
  /** Log `stopped` once `stop` resolves (default true; the broker logs its own line). */
  readonly logStopped?: boolean
  /** Include `timeoutMs` in the "took too long" line (default true). */
  readonly logTimeoutMs?: boolean
  /**
   * Logged at error with `err` when `stop` rejects, before exiting 1. Without it the rejection
   * is left to the process's unhandledRejection handler (see exitOnUncaughtErrors).
   */
  readonly failureMessage?: string
}

/**
 * On the first SIGTERM or SIGINT: logs `stopping` with the signal, arms an unref'd timer that
 * exits 1 after `timeoutMs`, runs `stop`, then exits 0. Later signals are ignored. Answers the
 * same trigger for callers (and tests) that stop without a signal.
 */
export function stopOnSignals(options: StopOnSignalsOptions): (signal: string) => Promise<void> {
  const { logger, process, timeoutMs } = options
  let stopping = false
  const run = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    setTimeout(() => {
      if (options.logTimeoutMs === false) logger.error('graceful stop took too long; exiting')
      else logger.error({ timeoutMs }, 'graceful stop took too long; exiting')
      process.exit(EXIT_FAILURE)
    }, timeoutMs).unref()
    if (options.failureMessage === undefined) {
      await options.stop()
    } else {
      try {
        await options.stop()
      } catch (error) {
        logger.error({ err: error }, options.failureMessage)
        process.exit(EXIT_FAILURE)
        return
      }
    }
    if (options.logStopped !== false) logger.info('stopped')
    process.exit(0)
  }
  for (const signal of STOP_SIGNALS) process.on(signal, () => void run(signal))
  return run
}
