import { type Logger, pino } from 'pino'

/** The part of `process` the lifecycle helpers use; tests pass a fake. */
export interface ProcessHooks {
  on(event: string, listener: (value: unknown) => void): unknown
  exit(code: number): void
}

/** A service's JSON logger: every line names the service and the process id. */
export function createServiceLogger(service: string, level: string, pid: number): Logger {
  return pino({ level, base: { service, pid } })
}

/** Exit code of a process that crashed or failed to stop cleanly. */
export const EXIT_FAILURE = 1

/**
 * An uncaught exception or unhandled rejection is logged as fatal (`uncaught exception`,
 * `unhandled rejection`, with `err`) and ends the process with 1: a service in an unknown state
 * stops rather than serves.
 */
export function exitOnUncaughtErrors(logger: Pick<Logger, 'fatal'>, process: ProcessHooks): void {
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    process.exit(EXIT_FAILURE)
  })
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    process.exit(EXIT_FAILURE)
  })
}
