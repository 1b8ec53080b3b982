import { ErrorCode, type ErrorData } from '@tributary/core'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * The HTTP status of an error code on the controller API (docs/services.md): a bad request is
 * 400 (POLICY_VIOLATION too, once such a code exists), an unknown topic 404, a topic that exists 409, a standby or shutting-down controller 503
 * (retry against the active one), anything else 500. The body is always the ErrorData.
 */
export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  if (code.startsWith('INVALID_')) return 400
  switch (code) {
    case ErrorCode.UnknownTopicOrPartition:
      return 404
    case ErrorCode.TopicAlreadyExists:
      return 409
    case ErrorCode.NotController:
      return 503
    default:
      return 500
  }
}

export function invalidRequest(message: string): ErrorData {
  return { code: ErrorCode.InvalidRequest, message, retriable: false }
}
