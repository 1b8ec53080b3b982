/**
 * Tributary's errors: one base class, a code from a closed set, a retriable flag and a cause.
 *
 * Codes are Kafka's error names (the protocol's `ErrorCode` table), so a Kafka user reads them
 * without a glossary, and each carries Kafka's numeric code for the wire. Errors cross process
 * boundaries as data ({@link ErrorData}); {@link errorFromData} turns them back into errors.
 */

/** Every code Tributary raises. Add a code here (and to {@link errorCodeInfo}), never inline. */
export const ErrorCode = {
  UnknownServerError: 'UNKNOWN_SERVER_ERROR',
  OffsetOutOfRange: 'OFFSET_OUT_OF_RANGE',
  CorruptMessage: 'CORRUPT_MESSAGE',
  UnknownTopicOrPartition: 'UNKNOWN_TOPIC_OR_PARTITION',
  NotLeaderOrFollower: 'NOT_LEADER_OR_FOLLOWER',
  RequestTimedOut: 'REQUEST_TIMED_OUT',
  MessageTooLarge: 'MESSAGE_TOO_LARGE',
  NetworkException: 'NETWORK_EXCEPTION',
  InvalidTopic: 'INVALID_TOPIC_EXCEPTION',
  NotEnoughReplicas: 'NOT_ENOUGH_REPLICAS',
  NotEnoughReplicasAfterAppend: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  UnsupportedVersion: 'UNSUPPORTED_VERSION',
  TopicAlreadyExists: 'TOPIC_ALREADY_EXISTS',
  InvalidPartitions: 'INVALID_PARTITIONS',
  InvalidReplicationFactor: 'INVALID_REPLICATION_FACTOR',
  InvalidConfig: 'INVALID_CONFIG',
  NotController: 'NOT_CONTROLLER',
  InvalidRequest: 'INVALID_REQUEST',
  KafkaStorageError: 'KAFKA_STORAGE_ERROR',
  FencedLeaderEpoch: 'FENCED_LEADER_EPOCH',
  UnknownLeaderEpoch: 'UNKNOWN_LEADER_EPOCH',
  UnsupportedCompressionType: 'UNSUPPORTED_COMPRESSION_TYPE',
  StaleBrokerEpoch: 'STALE_BROKER_EPOCH',
  InvalidRecord: 'INVALID_RECORD',
  UnexpectedAppendOffset: 'UNEXPECTED_APPEND_OFFSET',
  CoordinatorLoadInProgress: 'COORDINATOR_LOAD_IN_PROGRESS',
  CoordinatorNotAvailable: 'COORDINATOR_NOT_AVAILABLE',
  NotCoordinator: 'NOT_COORDINATOR',
  IllegalGeneration: 'ILLEGAL_GENERATION',
  InvalidGroupId: 'INVALID_GROUP_ID',
  UnknownMemberId: 'UNKNOWN_MEMBER_ID',
  InvalidSessionTimeout: 'INVALID_SESSION_TIMEOUT',
  NonEmptyGroup: 'NON_EMPTY_GROUP',
  GroupIdNotFound: 'GROUP_ID_NOT_FOUND',
  InvalidCommitOffsetSize: 'INVALID_COMMIT_OFFSET_SIZE',
  MemberIdExists: 'MEMBER_ID_EXISTS',
  IllegalConsumerState: 'ILLEGAL_CONSUMER_STATE',
  IneligibleReplica: 'INELIGIBLE_REPLICA',
  InvalidUpdateVersion: 'INVALID_UPDATE_VERSION',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export interface ErrorCodeInfo {
  /** Kafka's numeric error code for this condition (-1 where Kafka has none). */
  readonly kafkaCode: number
  /** Whether the same request may succeed if sent again later. */
  readonly retriable: boolean
}

/** Kafka's numbers and retriability, from the protocol's error table. */
export const errorCodeInfo: Readonly<Record<ErrorCode, ErrorCodeInfo>> = {
  UNKNOWN_SERVER_ERROR: { kafkaCode: -1, retriable: false },
  OFFSET_OUT_OF_RANGE: { kafkaCode: 1, retriable: false },
  CORRUPT_MESSAGE: { kafkaCode: 2, retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { kafkaCode: 3, retriable: true },
  NOT_LEADER_OR_FOLLOWER: { kafkaCode: 6, retriable: true },
  REQUEST_TIMED_OUT: { kafkaCode: 7, retriable: true },
  MESSAGE_TOO_LARGE: { kafkaCode: 10, retriable: false },
  // The connection to a peer failed or closed before its answer arrived.
  NETWORK_EXCEPTION: { kafkaCode: 13, retriable: true },
  INVALID_TOPIC_EXCEPTION: { kafkaCode: 17, retriable: false },
  NOT_ENOUGH_REPLICAS: { kafkaCode: 19, retriable: true },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { kafkaCode: 20, retriable: true },
  UNSUPPORTED_VERSION: { kafkaCode: 35, retriable: false },
  TOPIC_ALREADY_EXISTS: { kafkaCode: 36, retriable: false },
  INVALID_PARTITIONS: { kafkaCode: 37, retriable: false },
  INVALID_REPLICATION_FACTOR: { kafkaCode: 38, retriable: false },
  INVALID_CONFIG: { kafkaCode: 40, retriable: false },
  NOT_CONTROLLER: { kafkaCode: 41, retriable: true },
  INVALID_REQUEST: { kafkaCode: 42, retriable: false },
  KAFKA_STORAGE_ERROR: { kafkaCode: 56, retriable: true },
  FENCED_LEADER_EPOCH: { kafkaCode: 74, retriable: true },
  UNKNOWN_LEADER_EPOCH: { kafkaCode: 75, retriable: true },
  UNSUPPORTED_COMPRESSION_TYPE: { kafkaCode: 76, retriable: false },
  // A heartbeat from a registration the controller no longer holds: the broker registers again.
  STALE_BROKER_EPOCH: { kafkaCode: 77, retriable: false },
  INVALID_RECORD: { kafkaCode: 87, retriable: false },
  // Kafka raises UnexpectedAppendOffsetException inside the broker; it has no wire code.
  UNEXPECTED_APPEND_OFFSET: { kafkaCode: -1, retriable: false },
  // A coordinator that has just taken over is still replaying its __consumer_offsets partition.
  COORDINATOR_LOAD_IN_PROGRESS: { kafkaCode: 14, retriable: true },
  COORDINATOR_NOT_AVAILABLE: { kafkaCode: 15, retriable: true },
  // The broker asked does not lead the group's __consumer_offsets partition (any more).
  NOT_COORDINATOR: { kafkaCode: 16, retriable: true },
  // A member acted on partitions of an assignment it no longer holds (it expired or they moved).
  ILLEGAL_GENERATION: { kafkaCode: 22, retriable: false },
  INVALID_GROUP_ID: { kafkaCode: 24, retriable: false },
  // No such member (consumer instance) in the group: it was deleted or expired.
  UNKNOWN_MEMBER_ID: { kafkaCode: 25, retriable: false },
  INVALID_SESSION_TIMEOUT: { kafkaCode: 26, retriable: false },
  INVALID_COMMIT_OFFSET_SIZE: { kafkaCode: 28, retriable: false },
  // Offsets of a group can be reset only while it has no live members.
  NON_EMPTY_GROUP: { kafkaCode: 68, retriable: false },
  GROUP_ID_NOT_FOUND: { kafkaCode: 69, retriable: false },
  // A consumer instance name already taken in its group (the REST Proxy's 40902); Kafka has no number.
  MEMBER_ID_EXISTS: { kafkaCode: -1, retriable: false },
  // Subscribing and assigning mixed on one instance (the REST Proxy's 40903); Kafka's client throws.
  ILLEGAL_CONSUMER_STATE: { kafkaCode: -1, retriable: false },
  // An ISR change adds a broker that is fenced or not registered.
  INELIGIBLE_REPLICA: { kafkaCode: 107, retriable: false },
  // An ISR change based on a partition epoch that is no longer current.
  INVALID_UPDATE_VERSION: { kafkaCode: 108, retriable: false },
}

/** How an error travels between processes. */
export interface ErrorData {
  readonly code: ErrorCode
  readonly message: string
  readonly retriable: boolean
}

export interface TributaryErrorOptions {
  readonly cause?: unknown
  /** Overrides the code's default retriability. */
  readonly retriable?: boolean
}

/** The one base class of every error Tributary raises on purpose. */
export class TributaryError extends Error {
  override readonly name: string = 'TributaryError'
  readonly code: ErrorCode
  readonly retriable: boolean

  constructor(code: ErrorCode, message: string, options: TributaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? errorCodeInfo[code].retriable
  }

  get kafkaCode(): number {
    return errorCodeInfo[this.code].kafkaCode
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message, retriable: this.retriable }
  }
}

/** A batch failed its CRC check or cannot be parsed. */
export class CorruptRecordError extends TributaryError {
  override readonly name = 'CorruptRecordError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.CorruptMessage, message, options)
  }
}

/** A batch or record is larger than `max.message.bytes` allows. */
export class RecordTooLargeError extends TributaryError {
  override readonly name = 'RecordTooLargeError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.MessageTooLarge, message, options)
  }
}

/** A batch uses a compression codec this build cannot read or write. */
export class UnsupportedCompressionError extends TributaryError {
  override readonly name = 'UnsupportedCompressionError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.UnsupportedCompressionType, message, options)
  }
}

/** A topic name Kafka would not accept. */
export class InvalidTopicError extends TributaryError {
  override readonly name = 'InvalidTopicError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.InvalidTopic, message, options)
  }
}

/** An unknown topic config key, or a value its schema refuses. */
export class InvalidConfigError extends TributaryError {
  override readonly name = 'InvalidConfigError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.InvalidConfig, message, options)
  }
}

/** A requested offset lies outside [log start, log end]. */
export class OffsetOutOfRangeError extends TributaryError {
  override readonly name = 'OffsetOutOfRangeError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.OffsetOutOfRange, message, options)
  }
}

/** A follower append that does not continue the log where it ends. */
export class UnexpectedAppendOffsetError extends TributaryError {
  override readonly name = 'UnexpectedAppendOffsetError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.UnexpectedAppendOffset, message, options)
  }
}

/** The storage layer failed underneath (disk, SQLite); the same request may work elsewhere. */
export class StorageError extends TributaryError {
  override readonly name = 'StorageError'
  constructor(message: string, options?: TributaryErrorOptions) {
    super(ErrorCode.KafkaStorageError, message, options)
  }
}

/** Rebuilds an error sent as data; an unknown code collapses to UNKNOWN_SERVER_ERROR. */
export function errorFromData(data: {
  code: string
  message: string
  retriable?: boolean
}): TributaryError {
  const code = isErrorCode(data.code) ? data.code : ErrorCode.UnknownServerError
  const options = data.retriable === undefined ? {} : { retriable: data.retriable }
  return new TributaryError(code, data.message, options)
}

/** Any thrown value as data; anything not a TributaryError becomes a generic error, no stack. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof TributaryError) return error.toData()
  return { code: ErrorCode.UnknownServerError, message: 'internal error', retriable: false }
}

const knownCodes: ReadonlySet<string> = new Set(Object.values(ErrorCode))

export function isErrorCode(value: string): value is ErrorCode {
  return knownCodes.has(value)
}
