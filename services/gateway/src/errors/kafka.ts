import { ErrorCode, TributaryError } from '@tributary/core'
import { RestError, RestErrorCode } from './rest-error.ts'

/**
 * Kafka errors as the REST Proxy reports them (rest-utils' KafkaExceptionMapper): unknown topic
 * or partition 404/40403; requests Kafka refuses as invalid 400/40002; other errors 500, with
 * 50003 when retrying may help and 50002 when it will not.
 *
 * Two deliberate differences: an invalid topic name is 40002 (the REST Proxy lets Kafka's
 * InvalidTopicException fall through to 50002), and UNKNOWN_SERVER_ERROR is 50002 (the REST Proxy
 * maps Kafka's UnknownServerException to 40002, but here it stands for any unexpected failure).
 */
const badRequestCodes: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.InvalidReplicationFactor,
  ErrorCode.InvalidPartitions,
  ErrorCode.InvalidRequest,
  ErrorCode.TopicAlreadyExists,
  ErrorCode.InvalidConfig,
  ErrorCode.UnsupportedVersion,
  ErrorCode.InvalidTopic,
  ErrorCode.OffsetOutOfRange,
  ErrorCode.InvalidGroupId,
  ErrorCode.InvalidCommitOffsetSize,
])

/**
 * The group coordinator's refusals, as the REST Proxy's consumer resources answer them: an
 * unknown instance 40403, a name taken 40902, a call the instance's state forbids 40903, a bad
 * session timeout 42204. A group that does not exist is 40403 here; v3 answers it with its own 404.
 */
const consumerCodes: ReadonlyMap<ErrorCode, number> = new Map<ErrorCode, number>([
  [ErrorCode.UnknownMemberId, RestErrorCode.ConsumerInstanceNotFound],
  [ErrorCode.GroupIdNotFound, RestErrorCode.ConsumerInstanceNotFound],
  [ErrorCode.MemberIdExists, RestErrorCode.ConsumerInstanceExists],
  [ErrorCode.IllegalConsumerState, RestErrorCode.IllegalConsumerState],
  [ErrorCode.IllegalGeneration, RestErrorCode.IllegalConsumerState],
  [ErrorCode.NonEmptyGroup, RestErrorCode.IllegalConsumerState],
  [ErrorCode.InvalidSessionTimeout, RestErrorCode.InvalidConsumerConfig],
])

/** The REST error code for a Kafka error. */
export function restErrorCodeOf(error: TributaryError): number {
  if (error.code === ErrorCode.UnknownTopicOrPartition) return RestErrorCode.UnknownTopicOrPartition
  const consumerCode = consumerCodes.get(error.code)
  if (consumerCode !== undefined) return consumerCode
  if (badRequestCodes.has(error.code)) return RestErrorCode.KafkaBadRequest
  return recordErrorCodeOf(error)
}

/** The code of one failed record inside a produce response: 50003 if retriable, else 50002. */
export function recordErrorCodeOf(error: TributaryError): number {
  return error.retriable ? RestErrorCode.KafkaRetriableError : RestErrorCode.KafkaError
}

/** Any thrown value as a RestError; anything unexpected becomes a generic 500 with no details. */
export function toRestError(error: unknown): RestError {
  if (error instanceof RestError) return error
  if (error instanceof TributaryError) {
    // The REST Proxy's fixed words; the coordinator's message stays in the cause (and the log).
    const message =
      error.code === ErrorCode.UnknownMemberId ? 'Consumer instance not found.' : error.message
    return new RestError(restErrorCodeOf(error), message, { cause: error })
  }
  return new RestError(RestErrorCode.InternalServerError, 'Internal Server Error', {
    cause: error,
  })
}

/** Whether an error is one the gateway did not anticipate (worth an error log line). */
export function isUnexpected(error: unknown): boolean {
  return !(error instanceof RestError) && !(error instanceof TributaryError)
}
