import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * The REST Proxy's error codes that the gateway answers with. A 5-digit (or 6-digit) code starts
 * with its HTTP status; a 3-digit code is the HTTP status itself, as the REST Proxy's framework
 * errors are (400 malformed JSON, 404 unknown path, 415, 422 validation).
 */
export const RestErrorCode = {
  /** Malformed JSON, a bad query parameter. */
  BadRequest: 400,
  /** Kafka refused the request as invalid: bad partition count, replication factor, config, name. */
  KafkaBadRequest: 40002,
  NotFound: 404,
  /** v2: no such topic. */
  TopicNotFound: 40401,
  /** v2: no such partition. */
  PartitionNotFound: 40402,
  /** v3 (and Kafka's UnknownTopicOrPartition anywhere): no such topic or partition. */
  UnknownTopicOrPartition: 40403,
  /** v2 consumers: no such consumer instance (never created, deleted, or expired). The same number as above, as in the REST Proxy. */
  ConsumerInstanceNotFound: 40403,
  NotAcceptable: 406,
  /** The records cannot be shown in the embedded format the Accept header asks for. */
  FormatMismatch: 40601,
  /** A consumer instance of that name already exists in the group. */
  ConsumerInstanceExists: 40902,
  /** A consumer call its instance's state does not allow (subscribe vs assign, a partition it does not own, a group with members). */
  IllegalConsumerState: 40903,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  /** A well-formed body that breaks the request's rules (empty records, wrong field types). */
  Unprocessable: 422,
  /** A consumer instance config the gateway or coordinator refuses (format, session timeout …). */
  InvalidConsumerConfig: 42204,
  /** A schema-based format (AVRO, JSONSCHEMA, PROTOBUF): there is no Schema Registry. */
  InvalidPayload: 42206,
  /** Data that cannot be turned into bytes as its format says (bad base64). */
  SerializationError: 42207,
  TooManyRequests: 429,
  InternalServerError: 500,
  /** A Kafka error that retrying will not fix. */
  KafkaError: 50002,
  /** A Kafka error that may go away if the request is sent again (no leader, timeout). */
  KafkaRetriableError: 50003,
  ServiceUnavailable: 503,
} as const

export type RestErrorCode = (typeof RestErrorCode)[keyof typeof RestErrorCode]

/** The HTTP status an error code stands for: its first three digits. */
export function statusOf(errorCode: number): ContentfulStatusCode {
  const status = Number(String(errorCode).slice(0, 3))
  return (status >= 400 && status <= 599 ? status : 500) as ContentfulStatusCode
}

/** The body of every error response, as the REST Proxy writes it. */
export interface RestErrorBody {
  readonly error_code: number
  readonly message: string
}

/** An error that becomes exactly one REST Proxy error response. */
export class RestError extends Error {
  override readonly name = 'RestError'
  readonly errorCode: number
  readonly status: ContentfulStatusCode

  constructor(errorCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.errorCode = errorCode
    this.status = statusOf(errorCode)
  }

  toBody(): RestErrorBody {
    return { error_code: this.errorCode, message: this.message }
  }
}

export const topicNotFound = () => new RestError(RestErrorCode.TopicNotFound, 'Topic not found.')

export const partitionNotFound = () =>
  new RestError(RestErrorCode.PartitionNotFound, 'Partition not found.')

export const unknownTopicOrPartition = () =>
  new RestError(
    RestErrorCode.UnknownTopicOrPartition,
    'This server does not host this topic-partition.',
  )

export const clusterNotFound = (clusterId: string) =>
  new RestError(RestErrorCode.NotFound, `Cluster ${clusterId} cannot be found.`)

export const notFound = () => new RestError(RestErrorCode.NotFound, 'HTTP 404 Not Found')

export const notAcceptable = (detail?: string) =>
  new RestError(
    RestErrorCode.NotAcceptable,
    detail === undefined ? 'HTTP 406 Not Acceptable' : `HTTP 406 Not Acceptable: ${detail}`,
  )

export const unsupportedMediaType = (detail?: string) =>
  new RestError(
    RestErrorCode.UnsupportedMediaType,
    detail === undefined
      ? 'HTTP 415 Unsupported Media Type'
      : `HTTP 415 Unsupported Media Type: ${detail}`,
  )

export const malformedJson = (detail: string) => new RestError(RestErrorCode.BadRequest, detail)

export const badRequest = (message: string) => new RestError(RestErrorCode.BadRequest, message)

export const unprocessable = (message: string) =>
  new RestError(RestErrorCode.Unprocessable, message)

export const payloadTooLarge = (limitBytes: number) =>
  new RestError(
    RestErrorCode.PayloadTooLarge,
    `Request body is larger than the ${limitBytes} bytes this gateway accepts`,
  )

export const consumerInstanceNotFound = () =>
  new RestError(RestErrorCode.ConsumerInstanceNotFound, 'Consumer instance not found.')

export const consumerGroupNotFound = (group: string) =>
  new RestError(RestErrorCode.NotFound, `Consumer group ${group} cannot be found.`)
