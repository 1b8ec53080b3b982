/**
 * The binary data-plane protocol between the gateway and partition leaders, and between followers
 * and leaders, over direct connections: length-prefixed frames, one file per API, record batches
 * as their RecordBatch v2 bytes. Pure encode/decode functions and a frame splitter; the services
 * own the sockets.
 */
export type { ApiVersionRange } from './api-keys.ts'
export { ApiKey, apiKeyName, apiVersions, isApiKey } from './api-keys.ts'
export type { WireError } from './errors.ts'
export { errorFromWire, errorToWire, NO_ERROR } from './errors.ts'
export type { FetchRequest, FetchResponse } from './fetch.ts'
export {
  CONSUMER_REPLICA_ID,
  decodeFetchRequest,
  decodeFetchResponse,
  encodeFetchRequest,
  encodeFetchResponse,
  IsolationLevel,
} from './fetch.ts'
export type { Frame, FrameDecoderOptions, FrameHeader } from './frame.ts'
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from './frame.ts'
export {
  decodeGroupRequest,
  decodeGroupResponse,
  encodeGroupRequest,
  encodeGroupResponse,
  groupErrorResponse,
} from './group.ts'
export type { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets.ts'
export {
  decodeListOffsetsRequest,
  decodeListOffsetsResponse,
  encodeListOffsetsRequest,
  encodeListOffsetsResponse,
  OffsetSpec,
} from './list-offsets.ts'
export type {
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
} from './offsets-for-leader-epoch.ts'
export {
  decodeOffsetsForLeaderEpochRequest,
  decodeOffsetsForLeaderEpochResponse,
  encodeOffsetsForLeaderEpochRequest,
  encodeOffsetsForLeaderEpochResponse,
} from './offsets-for-leader-epoch.ts'
export type { ProduceRequest, ProduceResponse } from './produce.ts'
export {
  Acks,
  decodeProduceRequest,
  decodeProduceResponse,
  encodeProduceRequest,
  encodeProduceResponse,
} from './produce.ts'
export type { DecodedRequest } from './request.ts'
export { decodeRequest, encodeErrorResponse } from './request.ts'
