/**
 * Produce: the gateway appends record batches to a partition through its leader.
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

/** How many replicas must have a write before the leader answers. */
export const Acks = {
  /** No answer at all: the leader sends no response, as in Kafka. */
  None: 0,
  /** The leader's own commit. */
  Leader: 1,
  /** Every in-sync replica, and at least min.insync.replicas of them. */
  All: -1,
} as const

export type Acks = (typeof Acks)[keyof typeof Acks]

export interface ProduceRequest {
  readonly topic: string
  readonly partition: number
  readonly acks: Acks
  /** How long the leader may wait for the in-sync replicas (acks = all). */
  readonly timeoutMs: number
  /**
   * One or more RecordBatch v2, concatenated, as the producer encoded them; the leader assigns
   * their offsets. Decoded, it is a view of the frame's bytes (no copy).
   */
  readonly records: Uint8Array
}

export interface ProduceResponse extends WireError {
  /** The offset of the first record appended; -1 on error. */
  readonly baseOffset: number
  /** The time the leader stamped on the batches when the topic uses LogAppendTime, else -1. */
  readonly logAppendTime: number
  readonly logStartOffset: number
}

const VERSION = apiVersions[ApiKey.Produce].max

/*
 * Produce request body, version 0; integers big-endian, fields back to back:
 *
 *   size   field
 *   2 + n  topic        string  int16 length, then UTF-8
 *   4      partition    int32
 *   2      acks         int16   0 none (no response is sent), 1 leader, -1 all in-sync replicas
 *   4      timeoutMs    int32
 *   4 + n  records      bytes   int32 length, then one or more RecordBatch v2, concatenated
 */

export function encodeProduceRequest(correlationId: number, request: ProduceRequest): Uint8Array {
  const topic = stringBytes('topic', request.topic)
  checkInt('partition', request.partition, 'int32')
  checkAcks(request.acks)
  checkInt('timeoutMs', request.timeoutMs, 'int32')
  const header = { apiKey: ApiKey.Produce, apiVersion: VERSION, correlationId }
  const bodySize = sizeOfString(topic) + 4 + 2 + 4 + sizeOfBytes(request.records)
  return writeFrame(header, bodySize, (writer) => {
    writeString(writer, topic)
    writer.writeInt32(request.partition).writeInt16(request.acks).writeInt32(request.timeoutMs)
    writeBytesField(writer, request.records)
  })
}

/** The request in a Produce frame; its records alias the frame's bytes. */
export function decodeProduceRequest(frame: Frame): ProduceRequest {
  checkApi(frame, ApiKey.Produce, 'Produce request')
  return readBody(frame.body, 'Produce request', (reader) => {
    const topic = readString(reader, 'topic')
    const partition = reader.readInt32()
    const acks = reader.readInt16()
    if (!isAcks(acks)) throw malformed(`acks must be -1, 0 or 1, got ${acks}`)
    const timeoutMs = reader.readInt32()
    const records = readBytesField(reader, 'records')
    return { topic, partition, acks, timeoutMs, records }
  })
}

/*
 * Produce response body, version 0:
 *
 *   size   field
 *   2      errorCode       int16   Kafka's numeric code, 0 = none
 *   2 + n  errorMessage    string  int16 length (-1 = null), then UTF-8
 *   8      baseOffset      int64   -1 on error
 *   8      logAppendTime   int64   -1 unless the topic uses LogAppendTime
 *   8      logStartOffset  int64
 */

export function encodeProduceResponse(
  correlationId: number,
  response: ProduceResponse,
): Uint8Array {
  checkInt('errorCode', response.errorCode, 'int16')
  const message = nullableStringBytes('errorMessage', response.errorMessage)
  checkInt64('baseOffset', response.baseOffset)
  checkInt64('logAppendTime', response.logAppendTime)
  checkInt64('logStartOffset', response.logStartOffset)
  const header = { apiKey: ApiKey.Produce, apiVersion: VERSION, correlationId }
  return writeFrame(header, 2 + sizeOfString(message) + 8 + 8 + 8, (writer) => {
    writer.writeInt16(response.errorCode)
    writeString(writer, message)
    writer.writeInt64(response.baseOffset)
    writer.writeInt64(response.logAppendTime)
    writer.writeInt64(response.logStartOffset)
  })
}

export function decodeProduceResponse(frame: Frame): ProduceResponse {
  checkApi(frame, ApiKey.Produce, 'Produce response')
  return readBody(frame.body, 'Produce response', (reader) => ({
    errorCode: reader.readInt16(),
    errorMessage: readNullableString(reader, 'errorMessage'),
    baseOffset: reader.readInt64(),
    logAppendTime: reader.readInt64(),
    logStartOffset: reader.readInt64(),
  }))
}

function isAcks(value: number): value is Acks {
  return value === 0 || value === 1 || value === -1
}

function checkAcks(acks: number): void {
  if (!isAcks(acks)) throw new RangeError(`acks must be -1, 0 or 1, got ${acks}`)
}
