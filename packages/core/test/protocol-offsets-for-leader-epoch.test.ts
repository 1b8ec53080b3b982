import { describe, expect, it } from 'vitest'
import type {
  Frame,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
} from '../src/index.ts'
import {
  ApiKey,
  decodeListOffsetsResponse,
  decodeOffsetsForLeaderEpochRequest,
  decodeOffsetsForLeaderEpochResponse,
  decodeRequest,
  ErrorCode,
  encodeErrorResponse,
  encodeFrame,
  encodeListOffsetsRequest,
  encodeOffsetsForLeaderEpochRequest,
  encodeOffsetsForLeaderEpochResponse,
  errorFromWire,
  FrameDecoder,
  TributaryError,
} from '../src/index.ts'

const INT32_MAX = 0x7fff_ffff
const INT32_MIN = -0x8000_0000
const { MAX_SAFE_INTEGER, MIN_SAFE_INTEGER } = Number

/** A follower (broker 2) of leader epoch 7 asking where its own latest epoch, 6, ends. */
const follower: OffsetsForLeaderEpochRequest = {
  topic: 'orders',
  partition: 3,
  replicaId: 2,
  currentLeaderEpoch: 7,
  leaderEpoch: 6,
}

const answered: OffsetsForLeaderEpochResponse = {
  errorCode: 0,
  errorMessage: null,
  leaderEpoch: 6,
  endOffset: 300,
}

function frameOf(bytes: Uint8Array): Frame {
  const frames = new FrameDecoder().push(bytes)
  expect(frames).toHaveLength(1)
  return frames[0] as Frame
}

function thrown(run: () => unknown): TributaryError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError)
    return error as TributaryError
  }
  throw new Error('expected a TributaryError, nothing was thrown')
}

/** `frame` with `bytes` written over its body at `at` (on a copy). */
function patched(frame: Frame, at: number, bytes: number[]): Frame {
  const body = frame.body.slice()
  body.set(bytes, at)
  return { ...frame, body }
}

describe('OffsetsForLeaderEpoch requests', () => {
  it('round-trips a follower’s request, a client’s unchecked one and the int32 extremes', () => {
    const requests: OffsetsForLeaderEpochRequest[] = [
      follower,
      { topic: 'ünïcode', partition: 0, replicaId: -1, currentLeaderEpoch: -1, leaderEpoch: 0 },
      {
        topic: '',
        partition: INT32_MAX,
        replicaId: INT32_MIN,
        currentLeaderEpoch: INT32_MAX,
        leaderEpoch: INT32_MIN,
      },
    ]
    for (const request of requests) {
      const frame = frameOf(encodeOffsetsForLeaderEpochRequest(INT32_MAX, request))
      expect(frame).toMatchObject({ apiKey: 23, apiVersion: 0, correlationId: INT32_MAX })
      expect(decodeOffsetsForLeaderEpochRequest(frame)).toEqual(request)
      expect(decodeRequest(frame)).toEqual({
        apiKey: ApiKey.OffsetsForLeaderEpoch,
        apiVersion: 0,
        correlationId: INT32_MAX,
        request,
      })
    }
  })

  it('lays out bytes as drawn', () => {
    const bytes = encodeOffsetsForLeaderEpochRequest(0x01020304, { ...follower, topic: 'ab' })
    const fields = [
      [0, 0, 0, 28], // size: 8 of header + 4 topic + 4 × int32
      [0, 23], // apiKey: OffsetsForLeaderEpoch
      [0, 0], // apiVersion
      [1, 2, 3, 4], // correlationId
      [0, 2, 0x61, 0x62], // topic: length 2, 'ab'
      [0, 0, 0, 3], // partition
      [0, 0, 0, 2], // replicaId
      [0, 0, 0, 7], // currentLeaderEpoch
      [0, 0, 0, 6], // leaderEpoch
    ]
    expect([...bytes]).toEqual(fields.flat())
  })

  it('refuses to encode values that do not fit their fields', () => {
    const cases: Array<[string, OffsetsForLeaderEpochRequest]> = [
      ['topic', { ...follower, topic: 'x'.repeat(0x8000) }],
      ['partition', { ...follower, partition: INT32_MAX + 1 }],
      ['replicaId', { ...follower, replicaId: 0.5 }],
      ['currentLeaderEpoch', { ...follower, currentLeaderEpoch: INT32_MIN - 1 }],
      ['leaderEpoch', { ...follower, leaderEpoch: Number.NaN }],
    ]
    for (const [field, request] of cases) {
      expect(() => encodeOffsetsForLeaderEpochRequest(1, request)).toThrow(new RegExp(field))
      expect(() => encodeOffsetsForLeaderEpochRequest(1, request)).toThrow(RangeError)
    }
  })

  it('refuses every truncation of the body, trailing bytes and a bad topic as INVALID_REQUEST', () => {
    const frame = frameOf(encodeOffsetsForLeaderEpochRequest(1, { ...follower, topic: 't' }))
    for (let length = 0; length < frame.body.length; length++) {
      const error = thrown(() => decodeRequest({ ...frame, body: frame.body.subarray(0, length) }))
      expect(error.code).toBe(ErrorCode.InvalidRequest)
      expect(error.message).toMatch(/OffsetsForLeaderEpoch request is malformed/)
    }
    const longer = { ...frame, body: Uint8Array.of(...frame.body, 0) }
    expect(thrown(() => decodeRequest(longer)).message).toMatch(/1 byte\(s\) after its last field/)
    for (const [bytes, message] of [
      [[0xff, 0xff], /topic is null/],
      [[0xff, 0xfe], /topic has length -2/],
    ] as const) {
      const error = thrown(() => decodeRequest(patched(frame, 0, [...bytes])))
      expect(error.code).toBe(ErrorCode.InvalidRequest)
      expect(error.message).toMatch(message)
    }
  })

  it('refuses another API’s frame and a version this build does not speak', () => {
    const listOffsets = frameOf(
      encodeListOffsetsRequest(1, { topic: 't', partition: 0, timestamp: -1 }),
    )
    const wrong = thrown(() => decodeOffsetsForLeaderEpochRequest(listOffsets))
    expect(wrong.code).toBe(ErrorCode.InvalidRequest)
    expect(wrong.message).toMatch(
      /expected a OffsetsForLeaderEpoch request, got a frame of ListOffsets/,
    )

    const body = frameOf(encodeOffsetsForLeaderEpochRequest(1, follower)).body
    const future = { apiKey: ApiKey.OffsetsForLeaderEpoch, apiVersion: 1, correlationId: 4 }
    const error = thrown(() => decodeRequest(frameOf(encodeFrame(future, body))))
    expect(error.code).toBe(ErrorCode.UnsupportedVersion)
    expect(error.message).toMatch(/OffsetsForLeaderEpoch request version 1/)
    // The server answers it at the version it speaks, with UNSUPPORTED_VERSION (35).
    const answer = frameOf(encodeErrorResponse(future, error))
    expect(answer).toMatchObject({ apiKey: 23, apiVersion: 0, correlationId: 4 })
    expect(decodeOffsetsForLeaderEpochResponse(answer)).toMatchObject({
      errorCode: 35,
      leaderEpoch: -1,
      endOffset: -1,
    })
  })
})

describe('OffsetsForLeaderEpoch responses', () => {
  it('round-trips an answer, an unknown epoch, an error and the extremes', () => {
    const responses: OffsetsForLeaderEpochResponse[] = [
      answered,
      { errorCode: 0, errorMessage: null, leaderEpoch: -1, endOffset: -1 },
      {
        errorCode: 74,
        errorMessage: 'leader epoch 6 is older than the current 7 ✓',
        leaderEpoch: -1,
        endOffset: -1,
      },
      { errorCode: -1, errorMessage: '', leaderEpoch: INT32_MAX, endOffset: MAX_SAFE_INTEGER },
      { errorCode: 0, errorMessage: null, leaderEpoch: INT32_MIN, endOffset: MIN_SAFE_INTEGER },
    ]
    for (const response of responses) {
      const frame = frameOf(encodeOffsetsForLeaderEpochResponse(INT32_MIN, response))
      expect(frame).toMatchObject({ apiKey: 23, apiVersion: 0, correlationId: INT32_MIN })
      expect(decodeOffsetsForLeaderEpochResponse(frame)).toEqual(response)
    }
  })

  it('lays out bytes as drawn', () => {
    const bytes = encodeOffsetsForLeaderEpochResponse(9, { ...answered, errorMessage: 'no' })
    const fields = [
      [0, 0, 0, 26], // size: 8 of header + 2 errorCode + 4 errorMessage + 4 + 8
      [0, 23], // apiKey
      [0, 0], // apiVersion
      [0, 0, 0, 9], // correlationId
      [0, 0], // errorCode
      [0, 2, 0x6e, 0x6f], // errorMessage: length 2, 'no'
      [0, 0, 0, 6], // leaderEpoch
      [0, 0, 0, 0, 0, 0, 1, 0x2c], // endOffset: 300
    ]
    expect([...bytes]).toEqual(fields.flat())
  })

  it('refuses to encode values that do not fit their fields', () => {
    const cases: Array<[string, OffsetsForLeaderEpochResponse]> = [
      ['errorCode', { ...answered, errorCode: 0x8000 }],
      ['leaderEpoch', { ...answered, leaderEpoch: INT32_MAX + 1 }],
      ['endOffset', { ...answered, endOffset: MAX_SAFE_INTEGER + 1 }],
    ]
    for (const [field, response] of cases) {
      expect(() => encodeOffsetsForLeaderEpochResponse(1, response)).toThrow(new RegExp(field))
      expect(() => encodeOffsetsForLeaderEpochResponse(1, response)).toThrow(RangeError)
    }
  })

  it('refuses truncated, overlong and malformed response bodies as INVALID_REQUEST', () => {
    const frame = frameOf(encodeOffsetsForLeaderEpochResponse(1, answered))
    const bodies = [
      ...Array.from({ length: frame.body.length }, (_, n) => frame.body.subarray(0, n)),
      Uint8Array.of(...frame.body, 0),
    ]
    for (const body of bodies) {
      const error = thrown(() => decodeOffsetsForLeaderEpochResponse({ ...frame, body }))
      expect(error.code).toBe(ErrorCode.InvalidRequest)
      expect(error.message).toMatch(/OffsetsForLeaderEpoch response is malformed/)
    }
    // errorCode 2, errorMessage null (2), leaderEpoch 4: endOffset starts at 8.
    const cases: Array<[Frame, RegExp]> = [
      [patched(frame, 8, [0x7f, 0xff]), /not a safe integer/],
      [patched(frame, 2, [0xff, 0xfe]), /errorMessage has length -2/],
    ]
    for (const [bad, message] of cases) {
      const error = thrown(() => decodeOffsetsForLeaderEpochResponse(bad))
      expect(error.code).toBe(ErrorCode.InvalidRequest)
      expect(error.message).toMatch(message)
    }
    const other = thrown(() => decodeListOffsetsResponse(frame))
    expect(other.message).toMatch(
      /expected a ListOffsets response, got a frame of OffsetsForLeaderEpoch/,
    )
  })

  it('carries a server’s error as an error response with epoch and offset -1', () => {
    const header = { apiKey: ApiKey.OffsetsForLeaderEpoch, apiVersion: 0, correlationId: 11 }
    const fenced = new TributaryError(ErrorCode.FencedLeaderEpoch, 'leader epoch 6 is older than 7')
    const response = decodeOffsetsForLeaderEpochResponse(
      frameOf(encodeErrorResponse(header, fenced)),
    )
    expect(response).toMatchObject({ leaderEpoch: -1, endOffset: -1, errorCode: 74 })
    const back = errorFromWire(response.errorCode, response.errorMessage)
    expect(back?.code).toBe(ErrorCode.FencedLeaderEpoch)
    expect(back?.message).toBe('leader epoch 6 is older than 7')

    const hidden = decodeOffsetsForLeaderEpochResponse(
      frameOf(encodeErrorResponse(header, new Error('secret'))),
    )
    expect(hidden.errorCode).toBe(-1)
    expect(hidden.errorMessage).not.toMatch(/secret/)
  })
})
