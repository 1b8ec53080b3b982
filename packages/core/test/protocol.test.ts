import { describe, expect, it } from 'vitest'
import type { FetchRequest, FetchResponse, Frame, ProduceRequest } from '../src/index.ts'
import {
  Acks,
  ApiKey,
  CONSUMER_REPLICA_ID,
  decodeFetchRequest,
  decodeFetchResponse,
  decodeListOffsetsRequest,
  decodeListOffsetsResponse,
  decodeProduceRequest,
  decodeProduceResponse,
  decodeRecordBatches,
  decodeRequest,
  ErrorCode,
  encodeErrorResponse,
  encodeFetchRequest,
  encodeFetchResponse,
  encodeFrame,
  encodeListOffsetsRequest,
  encodeListOffsetsResponse,
  encodeProduceRequest,
  encodeProduceResponse,
  encodeRecordBatch,
  errorFromWire,
  FrameDecoder,
  IsolationLevel,
  OffsetOutOfRangeError,
  OffsetSpec,
  TributaryError,
} from '../src/index.ts'
import { mixed, stored, T0, utf8 } from './batch-fixtures.ts'

const INT32_MAX = 0x7fff_ffff
const INT32_MIN = -0x8000_0000
const { MAX_SAFE_INTEGER, MIN_SAFE_INTEGER } = Number

/** The one frame in `bytes`, cut out the way a server would. */
function frameOf(bytes: Uint8Array): Frame {
  const frames = new FrameDecoder().push(bytes)
  expect(frames).toHaveLength(1)
  return frames[0] as Frame
}

/** The TributaryError `run` throws. */
function thrown(run: () => unknown): TributaryError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError)
    return error as TributaryError
  }
  throw new Error('expected a TributaryError, nothing was thrown')
}

/** Three real batches (one gzipped), concatenated as a producer or a segment read gives them. */
function threeBatches(): Uint8Array {
  const batches = [
    encodeRecordBatch(mixed, { baseOffset: 0 }),
    encodeRecordBatch([{ key: utf8('k'), value: utf8('gzipped'), timestamp: T0 }], {
      baseOffset: 4,
      compression: 'gzip',
    }),
    encodeRecordBatch([{ key: null, value: utf8('last'), timestamp: T0 + 1 }], { baseOffset: 5 }),
  ]
  return concat(batches)
}

const produce: ProduceRequest = {
  topic: 'orders',
  partition: 3,
  acks: Acks.All,
  timeoutMs: 30_000,
  records: threeBatches(),
}

const fetch: FetchRequest = {
  topic: 'orders',
  partition: 3,
  fetchOffset: 42,
  maxBytes: 1 << 20,
  maxWaitMs: 500,
  minBytes: 1,
  isolationLevel: IsolationLevel.ReadCommitted,
  replicaId: CONSUMER_REPLICA_ID,
  currentLeaderEpoch: 7,
}

describe('Produce', () => {
  it('round-trips a request holding several real batches, records as a view of the frame', () => {
    const frame = frameOf(encodeProduceRequest(9, produce))
    expect(frame).toMatchObject({ apiKey: ApiKey.Produce, apiVersion: 0, correlationId: 9 })
    const decoded = decodeProduceRequest(frame)
    expect(decoded).toEqual(produce)
    expect(decoded.records.buffer).toBe(frame.body.buffer)
    const batches = decodeRecordBatches(decoded.records)
    expect(batches.map((batch) => batch.records.length)).toEqual([4, 1, 1])
    expect(batches[0]?.records).toEqual(stored(mixed))
    expect(batches[1]?.records[0]?.value).toEqual(utf8('gzipped'))
  })

  it('round-trips empty records, every acks value and the int32 extremes', () => {
    for (const acks of [Acks.None, Acks.Leader, Acks.All]) {
      for (const [partition, timeoutMs] of [
        [INT32_MAX, INT32_MAX],
        [INT32_MIN, 0],
      ] as const) {
        const request = { topic: 't', partition, acks, timeoutMs, records: new Uint8Array(0) }
        expect(decodeProduceRequest(frameOf(encodeProduceRequest(INT32_MAX, request)))).toEqual(
          request,
        )
      }
    }
  })

  it('round-trips responses with and without an error message, int64 extremes', () => {
    const responses = [
      { errorCode: 0, errorMessage: null, baseOffset: 100, logAppendTime: -1, logStartOffset: 0 },
      {
        errorCode: 6,
        errorMessage: 'not the leader of orders-3: broker 2 is ✓',
        baseOffset: -1,
        logAppendTime: MIN_SAFE_INTEGER,
        logStartOffset: MAX_SAFE_INTEGER,
      },
      {
        errorCode: -1,
        errorMessage: '',
        baseOffset: MAX_SAFE_INTEGER,
        logAppendTime: T0,
        logStartOffset: -1,
      },
    ]
    for (const response of responses) {
      const frame = frameOf(encodeProduceResponse(INT32_MIN, response))
      expect(frame.correlationId).toBe(INT32_MIN)
      expect(decodeProduceResponse(frame)).toEqual(response)
    }
  })

  it('refuses to encode values that do not fit their fields', () => {
    const cases: Array<[string, ProduceRequest]> = [
      ['partition', { ...produce, partition: INT32_MAX + 1 }],
      ['acks', { ...produce, acks: 2 as Acks }],
      ['timeoutMs', { ...produce, timeoutMs: 1.5 }],
      ['topic', { ...produce, topic: 'x'.repeat(0x8000) }],
    ]
    for (const [field, request] of cases) {
      expect(() => encodeProduceRequest(1, request)).toThrow(new RegExp(field))
      expect(() => encodeProduceRequest(1, request)).toThrow(RangeError)
    }
    expect(() => encodeProduceRequest(2 ** 31, produce)).toThrow(/correlationId/)
  })
})

describe('Fetch', () => {
  it('round-trips requests from consumers and followers, with extremes', () => {
    const follower: FetchRequest = {
      topic: 'ünïcode-topic',
      partition: INT32_MAX,
      fetchOffset: MAX_SAFE_INTEGER,
      maxBytes: INT32_MAX,
      maxWaitMs: 0,
      minBytes: INT32_MIN,
      isolationLevel: IsolationLevel.ReadUncommitted,
      replicaId: INT32_MAX,
      currentLeaderEpoch: -1,
    }
    for (const request of [fetch, follower]) {
      const frame = frameOf(encodeFetchRequest(5, request))
      expect(frame).toMatchObject({ apiKey: ApiKey.Fetch, apiVersion: 0, correlationId: 5 })
      expect(decodeFetchRequest(frame)).toEqual(request)
    }
  })

  it('round-trips responses with stored batches unchanged, or no records at all', () => {
    const records = threeBatches()
    const full: FetchResponse = {
      errorCode: 0,
      errorMessage: null,
      highWatermark: 6,
      logStartOffset: 0,
      logEndOffset: MAX_SAFE_INTEGER,
      records,
    }
    const frame = frameOf(encodeFetchResponse(1, full))
    const decoded = decodeFetchResponse(frame)
    expect(decoded).toEqual(full)
    expect(decoded.records.buffer).toBe(frame.body.buffer)
    expect(decodeRecordBatches(decoded.records).map((b) => b.header.baseOffset)).toEqual([0, 4, 5])

    const empty = {
      ...full,
      errorCode: 1,
      errorMessage: 'offset 99 is out of range',
      records: new Uint8Array(0),
    }
    expect(decodeFetchResponse(frameOf(encodeFetchResponse(2, empty)))).toEqual(empty)
  })
})

describe('ListOffsets', () => {
  it('round-trips requests for earliest, latest and a timestamp', () => {
    for (const timestamp of [OffsetSpec.Earliest, OffsetSpec.Latest, T0, MAX_SAFE_INTEGER]) {
      const request = { topic: 'orders', partition: 0, timestamp }
      const frame = frameOf(encodeListOffsetsRequest(3, request))
      expect(frame.apiKey).toBe(ApiKey.ListOffsets)
      expect(decodeListOffsetsRequest(frame)).toEqual(request)
    }
  })

  it('round-trips responses', () => {
    for (const response of [
      { errorCode: 0, errorMessage: null, offset: 17, highWatermark: 17, logStartOffset: 2 },
      {
        errorCode: 3,
        errorMessage: 'no such partition',
        offset: -1,
        highWatermark: -1,
        logStartOffset: MIN_SAFE_INTEGER,
      },
    ]) {
      expect(decodeListOffsetsResponse(frameOf(encodeListOffsetsResponse(4, response)))).toEqual(
        response,
      )
    }
  })

  it('lays out bytes as drawn', () => {
    const bytes = encodeListOffsetsRequest(0x01020304, { topic: 'ab', partition: 5, timestamp: -2 })
    const fields = [
      [0, 0, 0, 24], // size: 8 of header + 4 topic + 4 partition + 8 timestamp
      [0, 2], // apiKey: ListOffsets
      [0, 0], // apiVersion
      [1, 2, 3, 4], // correlationId
      [0, 2, 0x61, 0x62], // topic: length 2, 'ab'
      [0, 0, 0, 5], // partition
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], // timestamp: -2
    ]
    expect([...bytes]).toEqual(fields.flat())
  })
})

describe('decodeRequest', () => {
  it('dispatches on the apiKey to a typed request', () => {
    const seen: string[] = []
    const frames = new FrameDecoder().push(
      concat([
        encodeProduceRequest(1, produce),
        encodeFetchRequest(2, fetch),
        encodeListOffsetsRequest(3, { topic: 'orders', partition: 1, timestamp: -1 }),
      ]),
    )
    for (const frame of frames) {
      const decoded = decodeRequest(frame)
      switch (decoded.apiKey) {
        case ApiKey.Produce:
          expect(decoded.request.acks).toBe(Acks.All)
          seen.push(`produce ${decoded.correlationId}`)
          break
        case ApiKey.Fetch:
          expect(decoded.request.fetchOffset).toBe(42)
          seen.push(`fetch ${decoded.correlationId}`)
          break
        case ApiKey.ListOffsets:
          expect(decoded.request.timestamp).toBe(-1)
          seen.push(`list ${decoded.correlationId}`)
          break
      }
    }
    expect(seen).toEqual(['produce 1', 'fetch 2', 'list 3'])
  })

  it('refuses an unknown apiKey and an unsupported version', () => {
    const unknown = thrown(() =>
      decodeRequest(
        frameOf(encodeFrame({ apiKey: 99, apiVersion: 0, correlationId: 1 }, new Uint8Array(4))),
      ),
    )
    expect(unknown.code).toBe(ErrorCode.InvalidRequest)
    expect(unknown.message).toMatch(/apiKey 99/)

    const body = bodyOf(encodeFetchRequest(1, fetch))
    const future = thrown(() =>
      decodeRequest(
        frameOf(encodeFrame({ apiKey: ApiKey.Fetch, apiVersion: 1, correlationId: 1 }, body)),
      ),
    )
    expect(future.code).toBe(ErrorCode.UnsupportedVersion)
    expect(future.kafkaCode).toBe(35)
    expect(future.message).toMatch(/Fetch request version 1/)
  })

  it('refuses every truncation of every request body, and trailing bytes', () => {
    for (const bytes of [
      encodeProduceRequest(1, produce),
      encodeFetchRequest(1, fetch),
      encodeListOffsetsRequest(1, { topic: 'orders', partition: 1, timestamp: -1 }),
    ]) {
      const frame = frameOf(bytes)
      for (let length = 0; length < frame.body.length; length++) {
        const cut = { ...frame, body: frame.body.subarray(0, length) }
        const error = thrown(() => decodeRequest(cut))
        expect(error.code).toBe(ErrorCode.InvalidRequest)
        expect(error.message).toMatch(/request is malformed/)
      }
      const longer = { ...frame, body: concat([frame.body, new Uint8Array(1)]) }
      expect(thrown(() => decodeRequest(longer)).message).toMatch(
        /1 byte\(s\) after its last field/,
      )
    }
  })

  it('refuses malformed fields as INVALID_REQUEST', () => {
    const produceBody = bodyOf(encodeProduceRequest(1, { ...produce, topic: 't' }))
    const fetchBody = bodyOf(encodeFetchRequest(1, { ...fetch, topic: 't' }))
    const patched = (apiKey: number, body: Uint8Array, at: number, bytes: number[]) => {
      const copy = body.slice()
      copy.set(bytes, at)
      return { apiKey, apiVersion: 0, correlationId: 1, body: copy }
    }
    const cases: Array<[Frame, RegExp]> = [
      [patched(0, produceBody, 0, [0xff, 0xff]), /topic is null/],
      [patched(0, produceBody, 0, [0xff, 0xfe]), /topic has length -2/],
      [patched(0, produceBody, 7, [0, 2]), /acks must be -1, 0 or 1, got 2/],
      [patched(0, produceBody, 13, [0x80, 0, 0, 0]), /records has length -2147483648/],
      [patched(1, fetchBody, 7, [0x7f, 0xff]), /not a safe integer/], // fetchOffset ≥ 2^53
      [patched(1, fetchBody, 27, [2]), /isolationLevel must be 0 or 1, got 2/],
    ]
    for (const [frame, message] of cases) {
      const error = thrown(() => decodeRequest(frame))
      expect(error.code).toBe(ErrorCode.InvalidRequest)
      expect(error.message).toMatch(message)
    }
  })

  it('refuses a frame of another API in a typed decoder', () => {
    const frame = frameOf(encodeFetchRequest(1, fetch))
    const error = thrown(() => decodeProduceRequest(frame))
    expect(error.code).toBe(ErrorCode.InvalidRequest)
    expect(error.message).toMatch(/expected a Produce request, got a frame of Fetch/)
  })
})

describe('encodeErrorResponse', () => {
  it('answers each API with its response shape carrying the error', () => {
    const error = new OffsetOutOfRangeError('offset 99 is past the log end 6')
    const header = (apiKey: number) => ({ apiKey, apiVersion: 0, correlationId: 11 })
    const produced = decodeProduceResponse(
      frameOf(encodeErrorResponse(header(ApiKey.Produce), error)),
    )
    expect(produced).toEqual({
      errorCode: 1,
      errorMessage: 'offset 99 is past the log end 6',
      baseOffset: -1,
      logAppendTime: -1,
      logStartOffset: -1,
    })
    const fetched = decodeFetchResponse(frameOf(encodeErrorResponse(header(ApiKey.Fetch), error)))
    expect(fetched.records).toHaveLength(0)
    expect(errorFromWire(fetched.errorCode, fetched.errorMessage)?.code).toBe(
      ErrorCode.OffsetOutOfRange,
    )
    const listed = frameOf(encodeErrorResponse(header(ApiKey.ListOffsets), new Error('secret')))
    expect(listed.correlationId).toBe(11)
    expect(decodeListOffsetsResponse(listed)).toMatchObject({ errorCode: -1, offset: -1 })
    expect(decodeListOffsetsResponse(listed).errorMessage).not.toMatch(/secret/)
  })

  it('answers an unsupported version at the version it speaks, and refuses an unknown API', () => {
    const future = { apiKey: ApiKey.Produce, apiVersion: 3, correlationId: 8 }
    const error = thrown(() => decodeRequest({ ...future, body: new Uint8Array(0) }))
    const frame = frameOf(encodeErrorResponse(future, error))
    expect(frame).toMatchObject({ apiVersion: 0, correlationId: 8 })
    expect(decodeProduceResponse(frame).errorCode).toBe(35)
    expect(thrown(() => encodeErrorResponse({ ...future, apiKey: 99 }, error)).code).toBe(
      ErrorCode.InvalidRequest,
    )
  })
})

/** The body of the one frame in `bytes`, copied out. */
function bodyOf(bytes: Uint8Array): Uint8Array {
  return frameOf(bytes).body.slice()
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
