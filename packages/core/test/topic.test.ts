import { describe, expect, it } from 'vitest'
import {
  defaultTopicConfig,
  describeTopicConfig,
  ErrorCode,
  formatTopicConfigs,
  InvalidConfigError,
  InvalidTopicError,
  isValidTopicName,
  parseTopicConfigs,
  resolveTopicConfig,
  topicCollisionKey,
  validateTopicName,
} from '../src/index.ts'

describe('topic names', () => {
  it('accepts what Kafka accepts', () => {
    for (const name of ['orders', 'a', 'A.b_c-9', '...', '__consumer_offsets', 'x'.repeat(249)]) {
      expect(() => validateTopicName(name)).not.toThrow()
    }
  })

  it('refuses what Kafka refuses, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['.', /"\." or "\.\."/],
      ['..', /"\." or "\.\."/],
      ['x'.repeat(250), /longer than 249/],
      ['has space', /character other than/],
      ['slash/y', /character other than/],
      ['ünïcode', /character other than/],
      ['tab\t', /character other than/],
    ]
    for (const [name, reason] of cases) {
      expect(isValidTopicName(name)).toBe(false)
      const error = (() => {
        try {
          validateTopicName(name)
        } catch (caught) {
          return caught
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(InvalidTopicError)
      expect((error as InvalidTopicError).code).toBe(ErrorCode.InvalidTopic)
      expect((error as Error).message).toMatch(reason)
    }
  })

  it('maps names that collide in Kafka metrics to one key', () => {
    expect(topicCollisionKey('a.b')).toBe(topicCollisionKey('a_b'))
    expect(topicCollisionKey('a.b')).not.toBe(topicCollisionKey('a-b'))
  })
})

describe('topic configs', () => {
  it("has Kafka's defaults", () => {
    expect(defaultTopicConfig).toEqual({
      retentionMs: 604_800_000,
      retentionBytes: -1,
      segmentBytes: 1_073_741_824,
      segmentMs: 604_800_000,
      maxMessageBytes: 1_048_588,
      minInsyncReplicas: 1,
      cleanupPolicy: 'delete',
      messageTimestampType: 'CreateTime',
      uncleanLeaderElectionEnable: false,
    })
  })

  it('parses every known key into its typed field', () => {
    const parsed = parseTopicConfigs({
      'retention.ms': '-1',
      'retention.bytes': '1048576',
      'segment.bytes': '65536',
      'segment.ms': '3600000',
      'max.message.bytes': '2000000',
      'min.insync.replicas': '2',
      'cleanup.policy': 'delete',
      'message.timestamp.type': 'LogAppendTime',
      'unclean.leader.election.enable': 'TRUE',
    })
    expect(parsed).toEqual({
      retentionMs: -1,
      retentionBytes: 1_048_576,
      segmentBytes: 65_536,
      segmentMs: 3_600_000,
      maxMessageBytes: 2_000_000,
      minInsyncReplicas: 2,
      cleanupPolicy: 'delete',
      messageTimestampType: 'LogAppendTime',
      uncleanLeaderElectionEnable: true,
    })
    expect(resolveTopicConfig(parsed).segmentBytes).toBe(65_536)
    expect(resolveTopicConfig({}).segmentBytes).toBe(defaultTopicConfig.segmentBytes)
  })

  it('refuses unknown keys and bad values naming the key and the reason', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'retention.msec': '1' }, /Unknown topic config name: retention\.msec/],
      [{ 'retention.ms': 'soon' }, /retention\.ms: Not a number of type LONG/],
      [{ 'retention.ms': '-2' }, /retention\.ms: Value must be at least -1/],
      [{ 'segment.bytes': '13' }, /segment\.bytes: Value must be at least 14/],
      [{ 'segment.bytes': '4294967296' }, /segment\.bytes: Value must be no more than 2147483647/],
      [{ 'segment.ms': '0' }, /segment\.ms: Value must be at least 1/],
      [{ 'max.message.bytes': '1.5' }, /max\.message\.bytes: Not a number of type INT/],
      [{ 'min.insync.replicas': '0' }, /min\.insync\.replicas: Value must be at least 1/],
      [{ 'cleanup.policy': 'shred' }, /cleanup\.policy: String must be one of: compact, delete/],
      [{ 'cleanup.policy': 'compact' }, /cleanup\.policy: log compaction is not supported/],
      [
        { 'message.timestamp.type': 'createtime' },
        /message\.timestamp\.type: String must be one of/,
      ],
      [{ 'unclean.leader.election.enable': 'yes' }, /true or false/],
    ]
    for (const [entries, reason] of cases) {
      expect(() => parseTopicConfigs(entries)).toThrow(InvalidConfigError)
      expect(() => parseTopicConfigs(entries)).toThrow(reason)
    }
  })

  it('describes every config, marking the defaults, and formats overrides back', () => {
    const overrides = parseTopicConfigs({ 'retention.ms': '1000' })
    const described = describeTopicConfig(overrides)
    expect(described).toHaveLength(9)
    const retention = described.find((entry) => entry.name === 'retention.ms')
    expect(retention).toMatchObject({ value: '1000', isDefault: false, type: 'LONG' })
    const maxBytes = described.find((entry) => entry.name === 'max.message.bytes')
    expect(maxBytes).toMatchObject({ value: '1048588', isDefault: true, type: 'INT' })
    expect(formatTopicConfigs(overrides)).toEqual({ 'retention.ms': '1000' })
    expect(parseTopicConfigs(formatTopicConfigs(overrides))).toEqual(overrides)
  })
})
