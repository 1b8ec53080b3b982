/**
 * Fetch: consumers (through the gateway) and followers read stored batches from a partition's
 * leader. The records travel exactly as stored, so a fetch never re-encodes a batch.
 */
import { ApiKey, apiVersions, checkApi } from './api-keys.ts'
import type { WireError } from './errors.ts'
import {
  checkInt,
  checkInt64,
  malformed,
  nullableStringBytes,
  readBody,
  readBytesField,
  readNullableString,
  readString,
  sizeOfBytes,
  sizeOfString,
  stringBytes,
  writeBytesField,
  writeString,
} from './fields.ts'
import type { Frame } from './frame.ts'
import { writeFrame } from './frame.ts'

/**
 * Which records a consumer may see, with Kafka's numbers and meaning. Neither lets a consumer
 * read past the high watermark; a follower (replicaId >= 0) reads up to the log end whatever it
 * sends, because how far a fetch may read is decided by who fetches.
 */
export const IsolationLevel = {
  /** Up to the high watermark. */
  ReadUncommitted: 0,
  /** Up to the last stable offset: the high watermark until transactions exist. */
  ReadCommitted: 1,
} as const

export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel]

/** The replicaId of a fetch that is not from a follower. */
export const CONSUMER_REPLICA_ID = -1

export interface FetchRequest {
  readonly topic: string
  readonly partition: number
  readonly fetchOffset: number
  /** A soft cap on the records returned; the first batch is returned whole even if larger. */
  readonly maxBytes: number
  /** How long the leader may wait for minBytes to arrive. */
  readonly maxWaitMs: number
  readonly minBytes: number
  readonly isolationLevel: IsolationLevel
  /** {@link CONSUMER_REPLICA_ID} for consumers, the follower's broker id for followers. */
  readonly replicaId: number
  /**
   * The leader epoch the fetcher believes current, or -1 to skip the check. A leader refuses an
   * older epoch with FENCED_LEADER_EPOCH, so a deposed leader's data never reaches a follower of
   * the new one (Kafka's KIP-320).
   */
  readonly currentLeaderEpoch: number
}

export interface FetchResponse extends WireError {
  readonly highWatermark: number
  readonly logStartOffset: number
  readonly logEndOffset: number
  /** The stored batches, concatenated and unchanged. Decoded, a view of the frame's bytes. */
  readonly records: Uint8Array
}

const VERSION = apiVersions[ApiKey.Fetch].max

/*
 * Fetch request body, version 0; integers big-endian, fields back to back:
 *
 *   size   field
 *   2 + n  topic               string  int16 length, then UTF-8
 *   4      partition           int32
 *   8      fetchOffset         int64
 *   4      maxBytes            int32
 *   4      maxWaitMs           int32
 *   4      minBytes            int32
 *   1      isolationLevel      int8    0 read uncommitted, 1 read committed
 *   4      replicaId           int32   -1 consumer, else the follower's broker id
 *   4      currentLeaderEpoch  int32   -1 = unchecked
 */

export function encodeFetchRequest(correlationId: number, request: FetchRequest): Uint8Array {
  const topic = stringBytes('topic', request.topic)
  checkInt('partition', request.partition, 'int32')
  checkInt64('fetchOffset', request.fetchOffset)
  checkInt('maxBytes', request.maxBytes, 'int32')
  checkInt('maxWaitMs', request.maxWaitMs, 'int32')
  checkInt('minBytes', request.minBytes, 'int32')
  if (!isIsolationLevel(request.isolationLevel)) {
    throw new RangeError(`isolationLevel must be 0 or 1, got ${request.isolationLevel}`)
  }
  checkInt('replicaId', request.replicaId, 'int32')
  checkInt('currentLeaderEpoch', request.currentLeaderEpoch, 'int32')
  const header = { apiKey: ApiKey.Fetch, apiVersion: VERSION, correlationId }
  const bodySize = sizeOfString(topic) + 4 + 8 + 4 + 4 + 4 + 1 + 4 + 4
  return writeFrame(header, bodySize, (writer) => {
    writeString(writer, topic)
    writer.writeInt32(request.partition).writeInt64(request.fetchOffset)
    writer.writeInt32(request.maxBytes).writeInt32(request.maxWaitMs).writeInt32(request.minBytes)
    writer.writeInt8(request.isolationLevel).writeInt32(request.replicaId)
    writer.writeInt32(request.currentLeaderEpoch)
  })
}

export function decodeFetchRequest(frame: Frame): FetchRequest {
  checkApi(frame, ApiKey.Fetch, 'Fetch request')
  return readBody(frame.body, 'Fetch request', (reader) => {
    const topic = readString(reader, 'topic')
    const partition = reader.readInt32()
    const fetchOffset = reader.readInt64()
    const maxBytes = reader.readInt32()
    const maxWaitMs = reader.readInt32()
    const minBytes = reader.readInt32()
    const isolationLevel = reader.readInt8()
    if (!isIsolationLevel(isolationLevel)) {
      throw malformed(`isolationLevel must be 0 or 1, got ${isolationLevel}`)
    }
    const replicaId = reader.readInt32()
    const currentLeaderEpoch = reader.readInt32()
    return {
      topic,
      partition,
      fetchOffset,
      maxBytes,
      maxWaitMs,
      minBytes,
      isolationLevel,
      replicaId,
      currentLeaderEpoch,
    }
  })
}

/*
 * Fetch response body, version 0:
 *
 *   size   field
 *   2      errorCode       int16   Kafka's numeric code, 0 = none
 *   2 + n  errorMessage    string  int16 length (-1 = null), then UTF-8
 *   8      highWatermark   int64
 *   8      logStartOffset  int64
 *   8      logEndOffset    int64
 *   4 + n  records         bytes   int32 length, then the stored batches, concatenated
 */

export function encodeFetchResponse(correlationId: number, response: FetchResponse): Uint8Array {
  checkInt('errorCode', response.errorCode, 'int16')
  const message = nullableStringBytes('errorMessage', response.errorMessage)
  checkInt64('highWatermark', response.highWatermark)
  checkInt64('logStartOffset', response.logStartOffset)
  checkInt64('logEndOffset', response.logEndOffset)
  const header = { apiKey: ApiKey.Fetch, apiVersion: VERSION, correlationId }
  const bodySize = 2 + sizeOfString(message) + 8 + 8 + 8 + sizeOfBytes(response.records)
  return writeFrame(header, bodySize, (writer) => {
    writer.writeInt16(response.errorCode)
    writeString(writer, message)
    writer.writeInt64(response.highWatermark)
    writer.writeInt64(response.logStartOffset)
    writer.writeInt64(response.logEndOffset)
    writeBytesField(writer, response.records)
  })
}

/** The response in a Fetch frame; its records alias the frame's bytes. */
export function decodeFetchResponse(frame: Frame): FetchResponse {
  checkApi(frame, ApiKey.Fetch, 'Fetch response')
  return readBody(frame.body, 'Fetch response', (reader) => ({
    errorCode: reader.readInt16(),
    errorMessage: readNullableString(reader, 'errorMessage'),
    highWatermark: reader.readInt64(),
    logStartOffset: reader.readInt64(),
    logEndOffset: reader.readInt64(),
    records: readBytesField(reader, 'records'),
  }))
}

function isIsolationLevel(value: number): value is IsolationLevel {
  return value === 0 || value === 1
}
