/**
 * Errors on the data plane travel as Kafka's numeric error code and a message, the way Kafka's
 * own responses carry them. A response whose errorCode is 0 succeeded.
 */
import type { ErrorCodeInfo } from '../errors/index.ts'
import { ErrorCode, errorCodeInfo, TributaryError, toErrorData } from '../errors/index.ts'
import { MAX_STRING_BYTES } from './fields.ts'

/** The error fields every response starts with. */
export interface WireError {
  /** Kafka's numeric error code; 0 = no error, -1 = UNKNOWN_SERVER_ERROR. */
  readonly errorCode: number
  readonly errorMessage: string | null
}

/** The error fields of a successful response. */
export const NO_ERROR: WireError = { errorCode: 0, errorMessage: null }

/** Kafka numbers back to codes. Codes without a number of their own (-1) all read back as UNKNOWN_SERVER_ERROR. */
const codeByKafkaCode = new Map<number, ErrorCode>()
for (const [code, info] of Object.entries(errorCodeInfo) as [ErrorCode, ErrorCodeInfo][]) {
  if (info.kafkaCode !== -1) codeByKafkaCode.set(info.kafkaCode, code)
}
codeByKafkaCode.set(-1, ErrorCode.UnknownServerError)

/** A message never longer than an int16 string allows: each UTF-16 unit takes at most 3 bytes. */
const MAX_MESSAGE_UNITS = Math.floor(MAX_STRING_BYTES / 3)

/**
 * Any thrown value as wire error fields. A TributaryError keeps its message and sends its code's
 * Kafka number (-1 for codes Kafka has no number for, such as UNEXPECTED_APPEND_OFFSET); anything
 * else becomes UNKNOWN_SERVER_ERROR with a generic message, so no internals reach the peer.
 * The error's retriability is not sent: the receiver takes its code's default, as Kafka does.
 */
export function errorToWire(error: unknown): WireError {
  const data = toErrorData(error)
  const message =
    data.message.length > MAX_MESSAGE_UNITS
      ? data.message.slice(0, MAX_MESSAGE_UNITS)
      : data.message
  return { errorCode: errorCodeInfo[data.code].kafkaCode, errorMessage: message }
}

/**
 * The error a response reports, or undefined when its errorCode is 0. A number this build does
 * not know becomes UNKNOWN_SERVER_ERROR, naming the number; a null message becomes the code.
 */
export function errorFromWire(
  errorCode: number,
  errorMessage: string | null,
): TributaryError | undefined {
  if (errorCode === 0) return undefined
  const code = codeByKafkaCode.get(errorCode)
  if (code === undefined) {
    const detail = errorMessage === null ? '' : `: ${errorMessage}`
    return new TributaryError(ErrorCode.UnknownServerError, `error code ${errorCode}${detail}`)
  }
  return new TributaryError(code, errorMessage ?? code)
}
