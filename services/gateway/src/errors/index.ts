/**
 * Errors as the REST Proxy reports them: `{error_code, message}` with its codes, the mapping of
 * Kafka errors onto them, and the one onError handler that turns any failure into a response.
 */
export { isUnexpected, recordErrorCodeOf, restErrorCodeOf, toRestError } from './kafka.ts'
export type { RestErrorBody } from './rest-error.ts'
export {
  badRequest,
  clusterNotFound,
  consumerGroupNotFound,
  consumerInstanceNotFound,
  malformedJson,
  notAcceptable,
  notFound,
  partitionNotFound,
  payloadTooLarge,
  RestError,
  RestErrorCode,
  statusOf,
  topicNotFound,
  unknownTopicOrPartition,
  unprocessable,
  unsupportedMediaType,
} from './rest-error.ts'
