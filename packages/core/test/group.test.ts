import { describe, expect, it } from 'vitest'
import type {
  Frame,
  GroupRequest,
  GroupResponse,
  InstanceConfig,
  OffsetCommitValue,
} from '../src/index.ts'
import {
  ApiKey,
  CorruptRecordError,
  coordinatorPartition,
  DEFAULT_OFFSETS_TOPIC_PARTITIONS,
  decodeGroupRequest,
  decodeGroupResponse,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  decodeRequest,
  ErrorCode,
  encodeErrorResponse,
  encodeFetchRequest,
  encodeFrame,
  encodeGroupRequest,
  encodeGroupResponse,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  FrameDecoder,
  groupResultOf,
  IsolationLevel,
  isInternalTopic,
  javaStringHash,
  OFFSETS_TOPIC,
  TributaryError,
} from '../src/index.ts'

const INT32_MAX = 0x7fff_ffff
const INT32_MIN = -0x8000_0000
const { MAX_SAFE_INTEGER } = Number

/** Java's String.hashCode by its definition: Σ s[i]·31^(n−1−i) over UTF-16 units, mod 2^32, signed. */
function javaHashCode(text: string): number {
  let hash = 0n
  for (let i = 0; i < text.length; i++) hash = hash * 31n + BigInt(text.charCodeAt(i))
  return Number(BigInt.asIntN(32, hash))
}

/** Kafka's GroupCoordinator.partitionFor: Utils.abs(hashCode) % count, Utils.abs(MIN_VALUE) = 0. */
function kafkaPartitionFor(group: string, count: number): number {
  const hash = javaHashCode(group)
  return (hash === INT32_MIN ? 0 : Math.abs(hash)) % count
}

/** The one frame in `bytes`, cut out the way a server would. */
function frameOf(bytes: Uint8Array): Frame {
  const frames = new FrameDecoder().push(bytes)
  expect(frames).toHaveLength(1)
  return frames[0] as Frame
}

/** The error `run` throws, checked to be an instance of `type`. */
function thrown<E extends Error>(run: () => unknown, type: new (...args: never[]) => E): E {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(type)
    return error as E
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`)
}

const utf8 = (text: string) => new TextEncoder().encode(text)
const groupFrame = (body: Uint8Array, apiVersion = 0) =>
  frameOf(encodeFrame({ apiKey: ApiKey.Group, apiVersion, correlationId: 3 }, body))

describe('coordinatorPartition', () => {
  it("matches the partition Kafka's coordinator lookup gives, for values Java computed", () => {
    // Values printed by a JVM: String.hashCode and Utils.abs(h) % 50.
    const known: Array<[string, number, number]> = [
      ['hello', 99162322, 22],
      ['polygenelubricants', INT32_MIN, 0],
      ['my-group', -1906497762, 12],
      ['orders-readers', -879800024, 24],
      ['consumer-group-1', 147483020, 20],
      ['\u{1F600} group', -1570619006, 6],
    ]
    for (const [group, hash, partition] of known) {
      expect(javaStringHash(group), group).toBe(hash)
      expect(javaHashCode(group), group).toBe(hash)
      expect(coordinatorPartition(group, DEFAULT_OFFSETS_TOPIC_PARTITIONS), group).toBe(partition)
    }
  })

  it('agrees with the Java definition on negative hashes, long and non-ASCII names, any count', () => {
    const groups = ['zzzzzzzzzz', 'ü-group', 'a'.repeat(255), '', 'Aa', 'BB', 'group-Ω-7']
    expect(groups.some((group) => javaHashCode(group) < 0)).toBe(true)
    for (const group of groups) {
      expect(javaStringHash(group), group).toBe(javaHashCode(group))
      for (const count of [1, 3, 50, 64, INT32_MAX]) {
        expect(coordinatorPartition(group, count), `${group} of ${count}`).toBe(
          kafkaPartitionFor(group, count),
        )
      }
    }
    // Integer.MIN_VALUE: Math.abs would leave it negative; Kafka's Utils.abs makes it 0.
    expect(coordinatorPartition('polygenelubricants', 7)).toBe(0)
  })

  it('refuses a partition count that is not a positive integer', () => {
    for (const count of [0, -1, 1.5, Number.NaN]) {
      expect(() => coordinatorPartition('g', count)).toThrow(RangeError)
    }
  })

  it('names __consumer_offsets, the one internal topic', () => {
    expect(OFFSETS_TOPIC).toBe('__consumer_offsets')
    expect(isInternalTopic(OFFSETS_TOPIC)).toBe(true)
    expect(isInternalTopic('consumer_offsets')).toBe(false)
    expect(isInternalTopic('__consumer_offsets-1')).toBe(false)
  })
})

describe('offset commit records', () => {
  it("writes Kafka's OffsetCommitKey v1 bytes", () => {
    const bytes = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 0 })
    expect([...bytes]).toEqual([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 0])
  })

  it("writes Kafka's OffsetCommitValue v3 bytes", () => {
    const bytes = encodeOffsetCommitValue({
      offset: 42,
      leaderEpoch: -1,
      metadata: 'm',
      commitTimestamp: 1_700_000_000_000,
    })
    const fields = [
      [0, 3], // version
      [0, 0, 0, 0, 0, 0, 0, 42], // offset
      [0xff, 0xff, 0xff, 0xff], // leaderEpoch: -1
      [0, 1, 0x6d], // metadata: 'm'
      [0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00], // commitTimestamp: 0x18bcfe56800
    ]
    expect([...bytes]).toEqual(fields.flat())
  })

  it('round-trips keys and values, with extremes and non-ASCII text', () => {
    const keys = [
      { group: 'g', topic: 't', partition: 0 },
      { group: 'grüppe-✓', topic: 'orders.eu_1', partition: INT32_MAX },
      { group: 'x'.repeat(0x7fff), topic: '', partition: INT32_MIN },
    ]
    for (const key of keys) {
      expect(decodeOffsetCommitKey(encodeOffsetCommitKey(key))).toEqual(key)
    }
    const values: OffsetCommitValue[] = [
      { offset: 0, leaderEpoch: -1, metadata: '', commitTimestamp: 0 },
      { offset: MAX_SAFE_INTEGER, leaderEpoch: INT32_MAX, metadata: 'ü ✓ 😀', commitTimestamp: -1 },
      { offset: 7, leaderEpoch: 3, metadata: 'm'.repeat(1000), commitTimestamp: 1_700_000_000_000 },
    ]
    for (const value of values) {
      expect(decodeOffsetCommitValue(encodeOffsetCommitValue(value))).toEqual(value)
    }
  })

  it('reads a version 0 key, and leaves keys of other record kinds (2, 1000) undefined', () => {
    const v1 = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 5 })
    const v0 = v1.slice()
    v0[1] = 0
    expect(decodeOffsetCommitKey(v0)).toEqual({ group: 'g', topic: 't', partition: 5 })
    // GroupMetadataKey v2: version, then the group id only.
    expect(decodeOffsetCommitKey(new Uint8Array([0, 2, 0, 1, 0x67]))).toBeUndefined()
    expect(decodeOffsetCommitKey(new Uint8Array([0, 2]))).toBeUndefined()
    // The broker coordinator's consumer-instance key, version 1000: group, then instance.
    expect(decodeOffsetCommitKey(new Uint8Array([0x03, 0xe8, 0, 1, 0x67, 0, 1, 0x69]))).toBe(
      undefined,
    )
  })

  it('refuses every truncation and malformed fields as CorruptRecordError', () => {
    const key = encodeOffsetCommitKey({ group: 'group', topic: 'topic', partition: 1 })
    for (let length = 0; length < key.length; length++) {
      const error = thrown(() => decodeOffsetCommitKey(key.subarray(0, length)), CorruptRecordError)
      expect(error.code).toBe(ErrorCode.CorruptMessage)
      expect(error.message).toMatch(/^offset commit key: /)
    }
    const value = encodeOffsetCommitValue({
      offset: 1,
      leaderEpoch: 0,
      metadata: 'meta',
      commitTimestamp: 2,
    })
    for (let length = 0; length < value.length; length++) {
      const error = thrown(
        () => decodeOffsetCommitValue(value.subarray(0, length)),
        CorruptRecordError,
      )
      expect(error.message).toMatch(/^offset commit value: /)
    }
    // A group name that is not UTF-8 (the record layouts decode strings strictly).
    expect(
      thrown(
        () => decodeOffsetCommitKey(new Uint8Array([0, 1, 0, 1, 0xff, 0, 1, 0x74, 0, 0, 0, 0])),
        CorruptRecordError,
      ).message,
    ).toMatch(/^offset commit key: text is not UTF-8/)
    const negativeLength = key.slice()
    negativeLength.set([0xff, 0xfe], 2)
    expect(thrown(() => decodeOffsetCommitKey(negativeLength), CorruptRecordError).message).toMatch(
      /string length -2/,
    )
    for (const version of [0, 1, 2, 4, -1]) {
      const other = value.slice()
      other.set([(version >> 8) & 0xff, version & 0xff], 0)
      expect(thrown(() => decodeOffsetCommitValue(other), CorruptRecordError).message).toMatch(
        new RegExp(`version ${version} is not supported`),
      )
    }
    const hugeOffset = value.slice()
    hugeOffset.set([0x7f, 0xff], 2)
    expect(() => decodeOffsetCommitValue(hugeOffset)).toThrow(CorruptRecordError)
  })

  it('refuses to encode a string longer than an int16 length allows', () => {
    const long = 'x'.repeat(0x8000)
    expect(() => encodeOffsetCommitKey({ group: long, topic: 't', partition: 0 })).toThrow(
      RangeError,
    )
    expect(() =>
      encodeOffsetCommitValue({ offset: 0, leaderEpoch: -1, metadata: long, commitTimestamp: 0 }),
    ).toThrow(RangeError)
  })
})

const config: InstanceConfig = {
  format: 'json',
  autoOffsetReset: 'earliest',
  autoCommit: false,
  fetchMinBytes: -1,
  requestTimeoutMs: null,
  sessionTimeoutMs: 45_000,
  ackTimeoutMs: 30_000,
  assignor: 'sticky',
}

const requests: GroupRequest[] = [
  { op: 'createInstance', group: 'g', instance: null, config },
  {
    op: 'createInstance',
    group: 'grüppe',
    instance: 'mine',
    config: { ...config, assignor: 'range' },
  },
  { op: 'subscribe', group: 'g', instance: 'i', topics: null, pattern: '^orders-.*$' },
  { op: 'subscribe', group: 'g', instance: 'i', topics: ['a', 'b'], pattern: null },
  { op: 'assign', group: 'g', instance: 'i', partitions: [{ topic: 'a', partition: 3 }] },
  { op: 'poll', group: 'g', instance: 'i' },
  {
    op: 'delivered',
    group: 'g',
    instance: 'i',
    memberEpoch: 4,
    advances: [
      { topic: 'a', partition: 0, from: null, start: 10, to: 12 },
      { topic: 'b', partition: 1, from: 5, start: 5, to: MAX_SAFE_INTEGER },
    ],
  },
  {
    op: 'commit',
    group: 'g',
    instance: 'i',
    offsets: [{ topic: 'a', partition: 0, offset: 12, metadata: '✓' }],
  },
  { op: 'commit', group: 'g', instance: 'i', offsets: null },
  { op: 'committed', group: 'g', instance: null, partitions: null },
  { op: 'listGroups' },
  { op: 'describeGroup', group: 'g' },
  { op: 'resetOffsets', group: 'g', offsets: [{ topic: 'a', partition: 2, offset: 0 }] },
]

describe('the Group API codec', () => {
  it('round-trips requests of several ops, also through decodeRequest', () => {
    for (const [index, request] of requests.entries()) {
      const frame = frameOf(encodeGroupRequest(index, request))
      expect(frame).toMatchObject({ apiKey: ApiKey.Group, apiVersion: 0, correlationId: index })
      expect(decodeGroupRequest(frame)).toEqual(request)
      expect(decodeRequest(frame)).toEqual({
        apiKey: ApiKey.Group,
        apiVersion: 0,
        correlationId: index,
        request,
      })
    }
  })

  it('round-trips responses, results and errors', () => {
    const responses: GroupResponse[] = [
      {
        ok: true,
        result: {
          config,
          memberEpoch: 2,
          partitions: [
            { topic: 'a', partition: 0, position: null },
            { topic: 'a', partition: 1, position: 17 },
          ],
        },
      },
      { ok: true, result: {} },
      { ok: false, error: { code: 'UNKNOWN_MEMBER_ID', message: 'no instance i in group g' } },
    ]
    for (const response of responses) {
      const frame = frameOf(encodeGroupResponse(INT32_MIN, response))
      expect(frame.correlationId).toBe(INT32_MIN)
      expect(decodeGroupResponse(frame)).toEqual(response)
    }
  })

  it('refuses a body that is not JSON, or not a known op, as INVALID_REQUEST', () => {
    const bodies: Array<[string, RegExp]> = [
      ['{"op": "poll", ', /Group request is not JSON/],
      ['', /Group request is not JSON/],
      ['{"op":"explode","group":"g"}', /Group request is malformed/],
      ['{"op":"poll","group":"g"}', /malformed at instance/],
      ['{"op":"poll","group":"g","instance":"i","extra":1}', /malformed/],
      ['{"op":"describeGroup","group":""}', /malformed at group/],
      ['[1, 2]', /malformed/],
      ['null', /malformed/],
    ]
    for (const [body, message] of bodies) {
      const frame = groupFrame(utf8(body))
      for (const decode of [decodeGroupRequest, decodeRequest]) {
        const error = thrown(() => decode(frame), TributaryError)
        expect(error.code, body).toBe(ErrorCode.InvalidRequest)
        expect(error.message, body).toMatch(message)
      }
    }
  })

  it('refuses a response that is not JSON or has no ok field', () => {
    for (const body of ['nope', '{"result":{}}', '"ok"', 'null']) {
      const error = thrown(() => decodeGroupResponse(groupFrame(utf8(body))), TributaryError)
      expect(error.code, body).toBe(ErrorCode.InvalidRequest)
    }
  })

  it('refuses a frame of another API and a version it does not speak', () => {
    const fetch = frameOf(
      encodeFetchRequest(1, {
        topic: 't',
        partition: 0,
        fetchOffset: 0,
        maxBytes: 1,
        maxWaitMs: 0,
        minBytes: 1,
        isolationLevel: IsolationLevel.ReadUncommitted,
        replicaId: -1,
        currentLeaderEpoch: -1,
      }),
    )
    const other = thrown(() => decodeGroupRequest(fetch), TributaryError)
    expect(other.code).toBe(ErrorCode.InvalidRequest)
    expect(other.message).toMatch(/expected a Group request, got a frame of Fetch/)
    const body = frameOf(encodeGroupRequest(1, { op: 'listGroups' })).body.slice()
    const future = thrown(() => decodeGroupRequest(groupFrame(body, 1)), TributaryError)
    expect(future.code).toBe(ErrorCode.UnsupportedVersion)
  })

  it('answers a failed Group request with {ok: false, error: {code, message}}', () => {
    const header = { apiKey: ApiKey.Group, apiVersion: 0, correlationId: 21 }
    const notCoordinator = new TributaryError(ErrorCode.NotCoordinator, 'not the coordinator of g')
    const frame = frameOf(encodeErrorResponse(header, notCoordinator))
    expect(frame).toMatchObject({ apiKey: ApiKey.Group, correlationId: 21 })
    const response = decodeGroupResponse(frame)
    expect(response).toEqual({
      ok: false,
      error: { code: 'NOT_COORDINATOR', message: 'not the coordinator of g' },
    })
    const rethrown = thrown(() => groupResultOf(response), TributaryError)
    expect(rethrown.code).toBe(ErrorCode.NotCoordinator)
    expect(rethrown.retriable).toBe(true)

    const undecodable = thrown(() => decodeRequest(groupFrame(utf8('{'))), TributaryError)
    expect(decodeGroupResponse(frameOf(encodeErrorResponse(header, undecodable)))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    })

    const internal = decodeGroupResponse(
      frameOf(encodeErrorResponse(header, new Error('secret at /srv/broker'))),
    )
    expect(internal).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_SERVER_ERROR', message: 'internal error' },
    })
  })

  it('gives the result of a successful response, and an unknown code as UNKNOWN_SERVER_ERROR', () => {
    expect(groupResultOf({ ok: true, result: { instance: 'i' } })).toEqual({ instance: 'i' })
    const unknown = thrown(
      () => groupResultOf({ ok: false, error: { code: 'BRAND_NEW', message: 'what' } }),
      TributaryError,
    )
    expect(unknown.code).toBe(ErrorCode.UnknownServerError)
    expect(unknown.message).toBe('what')
  })
})
