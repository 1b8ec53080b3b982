/**
 * OffsetsForLeaderEpoch (Kafka's API key 23, KIP-101/KIP-279): a follower that starts following a
 * new leader asks where its own latest leader epoch ends in the leader's log, and truncates its
 * log there before fetching, so a tail the old leader wrote but never committed is removed
 * instead of kept (truncating to its own high watermark instead could lose or diverge data).
 */
import { ApiKey, apiVersions, checkApi } from './api-keys.ts'
import type { WireError } from './errors.ts'
import {
  checkInt,
  checkInt64,
  nullableStringBytes,
  readBody,
  readNullableString,
  readString,
  sizeOfString,
  stringBytes,
  writeString,
} from './fields.ts'
import type { Frame } from './frame.ts'
import { writeFrame } from './frame.ts'

export interface OffsetsForLeaderEpochRequest {
  readonly topic: string
  readonly partition: number
  /** The asking follower's broker id (-1: a client asking, as a consumer may). */
  readonly replicaId: number
  /**
   * The leader epoch the asker believes current, or -1 to skip the check; an older one is
   * refused with FENCED_LEADER_EPOCH, a newer one with UNKNOWN_LEADER_EPOCH (KIP-320).
   */
  readonly currentLeaderEpoch: number
  /** The epoch whose end offset is wanted: the follower's latest. */
  readonly leaderEpoch: number
}

export interface OffsetsForLeaderEpochResponse extends WireError {
  /**
   * The largest epoch the leader knows that is at most the requested one (the requested one when
   * the leader has it); -1 when unknown.
   */
  readonly leaderEpoch: number
  /** The first offset after that epoch in the leader's log (its log end for its latest epoch); -1 when unknown. */
  readonly endOffset: number
}

const VERSION = apiVersions[ApiKey.OffsetsForLeaderEpoch].max

/*
 * OffsetsForLeaderEpoch request body, version 0; integers big-endian, fields back to back:
 *
 *   size   field
 *   2 + n  topic               string  int16 length, then UTF-8
 *   4      partition           int32
 *   4      replicaId           int32   -1 a client, else the follower's broker id
 *   4      currentLeaderEpoch  int32   -1 = unchecked
 *   4      leaderEpoch         int32   the epoch whose end offset is wanted
 */

export function encodeOffsetsForLeaderEpochRequest(
  correlationId: number,
  request: OffsetsForLeaderEpochRequest,
): Uint8Array {
  const topic = stringBytes('topic', request.topic)
  checkInt('partition', request.partition, 'int32')
  checkInt('replicaId', request.replicaId, 'int32')
  checkInt('currentLeaderEpoch', request.currentLeaderEpoch, 'int32')
  checkInt('leaderEpoch', request.leaderEpoch, 'int32')
  const header = { apiKey: ApiKey.OffsetsForLeaderEpoch, apiVersion: VERSION, correlationId }
  return writeFrame(header, sizeOfString(topic) + 4 + 4 + 4 + 4, (writer) => {
    writeString(writer, topic)
    writer.writeInt32(request.partition).writeInt32(request.replicaId)
    writer.writeInt32(request.currentLeaderEpoch).writeInt32(request.leaderEpoch)
  })
}

export function decodeOffsetsForLeaderEpochRequest(frame: Frame): OffsetsForLeaderEpochRequest {
  checkApi(frame, ApiKey.OffsetsForLeaderEpoch, 'OffsetsForLeaderEpoch request')
  return readBody(frame.body, 'OffsetsForLeaderEpoch request', (reader) => ({
    topic: readString(reader, 'topic'),
    partition: reader.readInt32(),
    replicaId: reader.readInt32(),
    currentLeaderEpoch: reader.readInt32(),
    leaderEpoch: reader.readInt32(),
  }))
}

/*
 * OffsetsForLeaderEpoch response body, version 0:
 *
 *   size   field
 *   2      errorCode     int16   Kafka's numeric code, 0 = none
 *   2 + n  errorMessage  string  int16 length (-1 = null), then UTF-8
 *   4      leaderEpoch   int32   -1 when unknown or on error
 *   8      endOffset     int64   -1 when unknown or on error
 */

export function encodeOffsetsForLeaderEpochResponse(
  correlationId: number,
  response: OffsetsForLeaderEpochResponse,
): Uint8Array {
  checkInt('errorCode', response.errorCode, 'int16')
  const message = nullableStringBytes('errorMessage', response.errorMessage)
  checkInt('leaderEpoch', response.leaderEpoch, 'int32')
  checkInt64('endOffset', response.endOffset)
  const header = { apiKey: ApiKey.OffsetsForLeaderEpoch, apiVersion: VERSION, correlationId }
  return writeFrame(header, 2 + sizeOfString(message) + 4 + 8, (writer) => {
    writer.writeInt16(response.errorCode)
    writeString(writer, message)
    writer.writeInt32(response.leaderEpoch)
    writer.writeInt64(response.endOffset)
  })
}

export function decodeOffsetsForLeaderEpochResponse(frame: Frame): OffsetsForLeaderEpochResponse {
  checkApi(frame, ApiKey.OffsetsForLeaderEpoch, 'OffsetsForLeaderEpoch response')
  return readBody(frame.body, 'OffsetsForLeaderEpoch response', (reader) => ({
    errorCode: reader.readInt16(),
    errorMessage: readNullableString(reader, 'errorMessage'),
    leaderEpoch: reader.readInt32(),
    endOffset: reader.readInt64(),
  }))
}
