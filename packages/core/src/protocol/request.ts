/**
 * The server side's entry points: one decoder for any request frame, and the error response for
 * a request that could not be served (or not even decoded).
 */
import { ErrorCode, TributaryError } from '../errors/index.ts'
import type { GroupRequest } from '../group/requests.ts'
import { ApiKey, apiKeyName } from './api-keys.ts'
import { errorToWire } from './errors.ts'
import type { FetchRequest } from './fetch.ts'
import { decodeFetchRequest, encodeFetchResponse } from './fetch.ts'
import type { Frame, FrameHeader } from './frame.ts'
import { decodeGroupRequest, encodeGroupResponse, groupErrorResponse } from './group.ts'
import type { ListOffsetsRequest } from './list-offsets.ts'
import { decodeListOffsetsRequest, encodeListOffsetsResponse } from './list-offsets.ts'
import type { OffsetsForLeaderEpochRequest } from './offsets-for-leader-epoch.ts'
import {
  decodeOffsetsForLeaderEpochRequest,
  encodeOffsetsForLeaderEpochResponse,
} from './offsets-for-leader-epoch.ts'
import type { ProduceRequest } from './produce.ts'
import { decodeProduceRequest, encodeProduceResponse } from './produce.ts'

interface Decoded<K extends ApiKey, R> {
  readonly apiKey: K
  readonly apiVersion: number
  readonly correlationId: number
  readonly request: R
}

/** A decoded request frame; switch on `apiKey` to narrow `request`. */
export type DecodedRequest =
  | Decoded<typeof ApiKey.Produce, ProduceRequest>
  | Decoded<typeof ApiKey.Fetch, FetchRequest>
  | Decoded<typeof ApiKey.ListOffsets, ListOffsetsRequest>
  | Decoded<typeof ApiKey.OffsetsForLeaderEpoch, OffsetsForLeaderEpochRequest>
  | Decoded<typeof ApiKey.Group, GroupRequest>

/**
 * The request in `frame`, by its apiKey. Throws INVALID_REQUEST for an unknown apiKey or a
 * truncated or malformed body, UNSUPPORTED_VERSION for a version this build does not speak. Byte
 * fields alias the frame's bytes.
 */
export function decodeRequest(frame: Frame): DecodedRequest {
  const { apiVersion, correlationId } = frame
  switch (frame.apiKey) {
    case ApiKey.Produce:
      return {
        apiKey: ApiKey.Produce,
        apiVersion,
        correlationId,
        request: decodeProduceRequest(frame),
      }
    case ApiKey.Fetch:
      return { apiKey: ApiKey.Fetch, apiVersion, correlationId, request: decodeFetchRequest(frame) }
    case ApiKey.ListOffsets: {
      const request = decodeListOffsetsRequest(frame)
      return { apiKey: ApiKey.ListOffsets, apiVersion, correlationId, request }
    }
    case ApiKey.OffsetsForLeaderEpoch: {
      const request = decodeOffsetsForLeaderEpochRequest(frame)
      return { apiKey: ApiKey.OffsetsForLeaderEpoch, apiVersion, correlationId, request }
    }
    case ApiKey.Group:
      return { apiKey: ApiKey.Group, apiVersion, correlationId, request: decodeGroupRequest(frame) }
    default:
      throw unknownApi(frame.apiKey)
  }
}

/**
 * A response to the request with `header` that reports only `error` (mapped by
 * {@link errorToWire}): offsets and epochs -1, no records. It is what a server sends when decoding
 * or serving a request fails, UNSUPPORTED_VERSION included (the response is written at the
 * version this build speaks, which its header states). An unknown apiKey has no response shape:
 * the server should close the connection, as Kafka does; this throws INVALID_REQUEST for it.
 */
export function encodeErrorResponse(header: FrameHeader, error: unknown): Uint8Array {
  const wire = errorToWire(error)
  const { correlationId } = header
  switch (header.apiKey) {
    case ApiKey.Produce:
      return encodeProduceResponse(correlationId, {
        ...wire,
        baseOffset: -1,
        logAppendTime: -1,
        logStartOffset: -1,
      })
    case ApiKey.Fetch:
      return encodeFetchResponse(correlationId, {
        ...wire,
        highWatermark: -1,
        logStartOffset: -1,
        logEndOffset: -1,
        records: new Uint8Array(0),
      })
    case ApiKey.ListOffsets:
      return encodeListOffsetsResponse(correlationId, {
        ...wire,
        offset: -1,
        highWatermark: -1,
        logStartOffset: -1,
      })
    case ApiKey.OffsetsForLeaderEpoch:
      return encodeOffsetsForLeaderEpochResponse(correlationId, {
        ...wire,
        leaderEpoch: -1,
        endOffset: -1,
      })
    case ApiKey.Group:
      return encodeGroupResponse(correlationId, groupErrorResponse(error))
    default:
      throw unknownApi(header.apiKey)
  }
}

function unknownApi(apiKey: number): TributaryError {
  return new TributaryError(ErrorCode.InvalidRequest, `unknown ${apiKeyName(apiKey)}`)
}
