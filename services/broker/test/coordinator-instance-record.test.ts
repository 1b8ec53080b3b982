import {
  CorruptRecordError,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type TopicPartition,
} from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { patternSubscription } from '../src/coordinator/instance.ts'
import {
  decodeInstanceKey,
  decodeInstanceValue,
  encodeInstanceKey,
  encodeInstanceValue,
  type InstanceRecordValue,
} from '../src/coordinator/instance-record.ts'
import { readOffsetsRecord } from '../src/coordinator/offsets-replay.ts'
import { instanceConfig } from './group-helpers.ts'

const bytes = (...parts: number[][]) => new Uint8Array(parts.flat())
const utf8 = (text: string) => [...new TextEncoder().encode(text)]

/** A value with its version replaced by `version`, or its body by `body`. */
function altered(value: Uint8Array, change: { version?: number; body?: string }): Uint8Array {
  const version = change.version ?? 0
  const body = change.body === undefined ? [...value.subarray(2)] : utf8(change.body)
  return bytes([(version >> 8) & 0xff, version & 0xff], body)
}

const subscribed: InstanceRecordValue = {
  config: instanceConfig({ format: 'json', ackTimeoutMs: 30_000, assignor: 'range' }),
  subscription: { kind: 'topics', topics: ['a', 'b'] },
  assignment: null,
}

describe('consumer instance records', () => {
  it('writes the key as version 1000, then group and instance as Kafka strings', () => {
    expect([...encodeInstanceKey({ group: 'g', instance: 'ü' })]).toEqual([
      ...bytes([0x03, 0xe8], [0, 1], utf8('g'), [0, 2], utf8('ü')),
    ])
  })

  it('writes the value as version 0, then a JSON document', () => {
    const value = encodeInstanceValue(subscribed)
    expect([...value.subarray(0, 2)]).toEqual([0, 0])
    expect(JSON.parse(new TextDecoder().decode(value.subarray(2)))).toEqual({
      config: subscribed.config,
      subscription: { topics: ['a', 'b'] },
      assignment: null,
    })
  })

  it('round-trips keys and every kind of value', () => {
    for (const key of [
      { group: 'g', instance: 'rest-consumer-1' },
      { group: 'grüppe-✓', instance: '😀'.repeat(100) },
      { group: 'x'.repeat(255), instance: '' },
    ]) {
      expect(decodeInstanceKey(encodeInstanceKey(key))).toEqual(key)
    }
    const assignment: TopicPartition[] = [
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0x7fff_ffff },
    ]
    const values: InstanceRecordValue[] = [
      subscribed,
      { config: instanceConfig(), subscription: null, assignment: null },
      { config: instanceConfig(), subscription: null, assignment },
      {
        config: instanceConfig({ requestTimeoutMs: 0, fetchMinBytes: 1 << 20 }),
        subscription: { kind: 'topics', topics: [] },
        assignment: null,
      },
    ]
    for (const value of values) {
      expect(decodeInstanceValue(encodeInstanceValue(value))).toEqual(value)
    }
    const pattern = decodeInstanceValue(
      encodeInstanceValue({ ...subscribed, subscription: patternSubscription('orders\\..*') }),
    ).subscription
    expect(pattern?.kind === 'pattern' && pattern.source).toBe('orders\\..*')
    expect(pattern?.kind === 'pattern' && pattern.regexp.test('orders.eu')).toBe(true)
    expect(pattern?.kind === 'pattern' && pattern.regexp.test('my-orders.eu')).toBe(false)
  })

  it("leaves keys of other versions undefined: Kafka's offset commits and group metadata", () => {
    const commit = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 0 })
    expect(decodeInstanceKey(commit)).toBeUndefined()
    for (const version of [0, 1, 2, 3, 999, 1001, -1]) {
      const key = encodeInstanceKey({ group: 'g', instance: 'i' })
      key.set([(version >> 8) & 0xff, version & 0xff], 0)
      expect(decodeInstanceKey(key), `version ${version}`).toBeUndefined()
    }
  })

  it('refuses truncated keys and values that are not what version 0 says', () => {
    const key = encodeInstanceKey({ group: 'group', instance: 'instance' })
    for (let length = 0; length < key.length; length++) {
      expect(() => decodeInstanceKey(key.subarray(0, length))).toThrow(/^consumer instance key: /)
    }
    const value = encodeInstanceValue(subscribed)
    const refusals: Array<[Uint8Array, RegExp]> = [
      [value.subarray(0, 1), /past the end|bytes/],
      [altered(value, { version: 1 }), /version 1 is not supported/],
      [altered(value, { body: '{"config"' }), /not JSON/],
      [altered(value, { body: '[]' }), /not a JSON object/],
      [bytes([0, 0, 0xff]), /not UTF-8/],
      [altered(value, { body: '{"config":{},"subscription":null,"assignment":null}' }), /config/],
      [
        altered(value, {
          body: JSON.stringify({
            ...JSON.parse(new TextDecoder().decode(value.subarray(2))),
            assignment: [{ topic: 'a' }],
          }),
        }),
        /assignment/,
      ],
      [
        altered(value, {
          body: JSON.stringify({
            config: subscribed.config,
            subscription: { pattern: '(' },
            assignment: null,
          }),
        }),
        /is not a pattern/,
      ],
      [
        altered(value, {
          body: JSON.stringify({
            config: subscribed.config,
            subscription: { topics: [1] },
            assignment: null,
          }),
        }),
        /neither topics nor a pattern/,
      ],
      [
        altered(value, {
          body: JSON.stringify({
            config: subscribed.config,
            subscription: { topics: ['a'] },
            assignment: [{ topic: 'a', partition: 0 }],
          }),
        }),
        /not both/,
      ],
    ]
    for (const [bad, message] of refusals) {
      let error: unknown
      try {
        decodeInstanceValue(bad)
      } catch (caught) {
        error = caught
      }
      expect(error, String(message)).toBeInstanceOf(CorruptRecordError)
      expect((error as Error).message).toMatch(/^consumer instance value: /)
      expect((error as Error).message).toMatch(message)
    }
  })
})

describe('readOffsetsRecord', () => {
  const instanceKey = encodeInstanceKey({ group: 'g', instance: 'i' })
  const commitKey = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 2 })

  it('reads commits and instances, tombstones as null', () => {
    const value = encodeOffsetCommitValue({
      offset: 7,
      leaderEpoch: -1,
      metadata: 'm',
      commitTimestamp: 1,
    })
    expect(readOffsetsRecord(commitKey, value)).toEqual({
      kind: 'commit',
      group: 'g',
      topic: 't',
      partition: 2,
      offset: { topic: 't', partition: 2, offset: 7, metadata: 'm' },
    })
    expect(readOffsetsRecord(commitKey, null)).toEqual({
      kind: 'commit',
      group: 'g',
      topic: 't',
      partition: 2,
      offset: null,
    })
    expect(readOffsetsRecord(instanceKey, encodeInstanceValue(subscribed))).toEqual({
      kind: 'instance',
      group: 'g',
      instance: 'i',
      value: subscribed,
    })
    expect(readOffsetsRecord(instanceKey, null)).toEqual({
      kind: 'instance',
      group: 'g',
      instance: 'i',
      value: null,
    })
  })

  it('skips records of unknown kinds and without keys; throws for a known kind that does not decode', () => {
    // Kafka's GroupMetadataKey v2 (the group id) with a value we never read.
    expect(readOffsetsRecord(bytes([0, 2], [0, 1], utf8('g')), bytes([0, 3]))).toBeUndefined()
    expect(readOffsetsRecord(bytes([0x7f, 0xff]), null)).toBeUndefined()
    expect(readOffsetsRecord(null, bytes([0, 0]))).toBeUndefined()
    expect(() => readOffsetsRecord(instanceKey, bytes([0, 9]))).toThrow(CorruptRecordError)
    expect(() => readOffsetsRecord(commitKey, bytes([0, 9]))).toThrow(CorruptRecordError)
  })
})
