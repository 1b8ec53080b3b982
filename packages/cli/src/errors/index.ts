/**
 * The CLI's errors: one base class with a code from a closed set, a retriable flag and a cause.
 * Each code maps to the process exit code the dispatcher returns, and {@link formatError} turns
 * any error into the one line the user reads.
 */

/** Every way a command fails. Add a code here (and to {@link exitCodeOf}), never inline. */
export const CliErrorCode = {
  /** The command line is wrong: the dispatcher prints usage and exits 2. */
  Usage: 'USAGE',
  /** The server answered with an error body (`{error_code, message}`). */
  Server: 'SERVER',
  /** The server could not be reached, or the connection broke. */
  Unreachable: 'UNREACHABLE',
  /** The server answered something that is not the REST Proxy's shape. */
  BadResponse: 'BAD_RESPONSE',
  /** Some records of a produce failed; each was already reported on its own line. */
  PartialFailure: 'PARTIAL_FAILURE',
} as const

export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode]

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export const exitCodeOf = (code: CliErrorCode): number =>
  code === CliErrorCode.Usage ? EXIT_USAGE : EXIT_FAILURE

export interface CliErrorOptions {
  readonly retriable?: boolean
  readonly cause?: unknown
}

export class CliError extends Error {
  readonly code: CliErrorCode
  readonly retriable: boolean

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CliError'
    this.code = code
    this.retriable = options.retriable ?? false
  }
}

/** A command line the command cannot run; `command` names whose usage to print. */
export class UsageError extends CliError {
  readonly command: string | undefined

  constructor(message: string, command?: string) {
    super(CliErrorCode.Usage, message)
    this.name = 'UsageError'
    this.command = command
  }
}

/** The REST Proxy's error body: `status` is the HTTP status, `errorCode` its `error_code`. */
export class ServerError extends CliError {
  readonly status: number
  readonly errorCode: number

  constructor(status: number, errorCode: number, message: string) {
    // The REST Proxy marks a retriable Kafka error with 50003; 503 is an unavailable server.
    super(CliErrorCode.Server, message, {
      retriable: status === 503 || errorCode === 50003,
    })
    this.name = 'ServerError'
    this.status = status
    this.errorCode = errorCode
  }
}

export class UnreachableError extends CliError {
  constructor(message: string, cause?: unknown) {
    super(CliErrorCode.Unreachable, message, { retriable: true, cause })
    this.name = 'UnreachableError'
  }
}

export class BadResponseError extends CliError {
  constructor(message: string) {
    super(CliErrorCode.BadResponse, message)
    this.name = 'BadResponseError'
  }
}

export class PartialFailureError extends CliError {
  constructor(message: string) {
    super(CliErrorCode.PartialFailure, message)
    this.name = 'PartialFailureError'
  }
}

/** One readable line, `Error: <message> (error_code N)` for server errors. */
export const formatError = (error: unknown): string => {
  if (error instanceof ServerError) return `Error: ${error.message} (error_code ${error.errorCode})`
  if (error instanceof Error) return `Error: ${error.message}`
  return `Error: ${String(error)}`
}
