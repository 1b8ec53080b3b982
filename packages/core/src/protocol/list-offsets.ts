/**
 * ListOffsets: the offsets that bound a partition (log start, high watermark), as a consumer
 * needs them to start reading or to measure lag.
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

/** The special timestamps of a ListOffsets request, with Kafka's numbers. */
export const OffsetSpec = {
  /** The log start offset. */
  Earliest: -2,
  /** The high watermark: the offset the next record a consumer can read will get. */
  Latest: -1,
} as const

export interface ListOffsetsRequest {
  readonly topic: string
  readonly partition: number
  /** {@link OffsetSpec.Earliest}, {@link OffsetSpec.Latest}, or (later) a timestamp to look up. */
  readonly timestamp: number
}

export interface ListOffsetsResponse extends WireError {
  /** The offset asked for; -1 on error. */
  readonly offset: number
  readonly highWatermark: number
  readonly logStartOffset: number
}

const VERSION = apiVersions[ApiKey.ListOffsets].max

/*
 * ListOffsets request body, version 0; integers big-endian, fields back to back:
 *
 *   size   field
 *   2 + n  topic      string  int16 length, then UTF-8
 *   4      partition  int32
 *   8      timestamp  int64   -2 earliest, -1 latest
 */

export function encodeListOffsetsRequest(
  correlationId: number,
  request: ListOffsetsRequest,
): Uint8Array {
  const topic = stringBytes('topic', request.topic)
  checkInt('partition', request.partition, 'int32')
  checkInt64('timestamp', request.timestamp)
  const header = { apiKey: ApiKey.ListOffsets, apiVersion: VERSION, correlationId }
  return writeFrame(header, sizeOfString(topic) + 4 + 8, (writer) => {
    writeString(writer, topic)
    writer.writeInt32(request.partition).writeInt64(request.timestamp)
  })
}

export function decodeListOffsetsRequest(frame: Frame): ListOffsetsRequest {
  checkApi(frame, ApiKey.ListOffsets, 'ListOffsets request')
  return readBody(frame.body, 'ListOffsets request', (reader) => ({
    topic: readString(reader, 'topic'),
    partition: reader.readInt32(),
    timestamp: reader.readInt64(),
  }))
}

/*
 * ListOffsets response body, version 0:
 *
 *   size   field
 *   2      errorCode       int16   Kafka's numeric code, 0 = none
 *   2 + n  errorMessage    string  int16 length (-1 = null), then UTF-8
 *   8      offset          int64   -1 on error
 *   8      highWatermark   int64
 *   8      logStartOffset  int64
 */

export function encodeListOffsetsResponse(
  correlationId: number,
  response: ListOffsetsResponse,
): Uint8Array {
  checkInt('errorCode', response.errorCode, 'int16')
  const message = nullableStringBytes('errorMessage', response.errorMessage)
  checkInt64('offset', response.offset)
  checkInt64('highWatermark', response.highWatermark)
  checkInt64('logStartOffset', response.logStartOffset)
  const header = { apiKey: ApiKey.ListOffsets, apiVersion: VERSION, correlationId }
  return writeFrame(header, 2 + sizeOfString(message) + 8 + 8 + 8, (writer) => {
    writer.writeInt16(response.errorCode)
    writeString(writer, message)
    writer.writeInt64(response.offset)
    writer.writeInt64(response.highWatermark)
    writer.writeInt64(response.logStartOffset)
  })
}

export function decodeListOffsetsResponse(frame: Frame): ListOffsetsResponse {
  checkApi(frame, ApiKey.ListOffsets, 'ListOffsets response')
  return readBody(frame.body, 'ListOffsets response', (reader) => ({
    errorCode: reader.readInt16(),
    errorMessage: readNullableString(reader, 'errorMessage'),
    offset: reader.readInt64(),
    highWatermark: reader.readInt64(),
    logStartOffset: reader.readInt64(),
  }))
}
