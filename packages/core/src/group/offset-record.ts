/**
 * A committed offset as a record of `__consumer_offsets`, in Kafka's own layout (its
 * OffsetCommitKey version 1 and OffsetCommitValue version 3), so the topic reads as a Kafka
 * operator expects. The key names group, topic and partition; the latest value for a key wins,
 * and a null value (a tombstone) deletes the commit.
 *
 * Every key of the topic starts with an int16 version that says the record's kind, as in Kafka:
 *
 *   version  kind                                  layout
 *   0, 1     offset commit                         here (both read, 1 written)
 *   2        Kafka's GroupMetadata (classic group) never written; skipped on replay
 *   1000     consumer instance (Tributary's own)   services/broker/src/coordinator/instance-record.ts
 *
 * A reader skips kinds it does not know (decodeOffsetCommitKey answers undefined for them), as
 * Kafka's coordinators skip record types of a later version. The consumer-instance record lives
 * with the group coordinator, its only reader and writer: Kafka has no such record (its clients
 * keep that state), and its value is JSON checked by `instanceConfigSchema` (requests.ts).
 */
import { Reader, Writer } from '../binary/index.ts'
import { CorruptRecordError } from '../errors/index.ts'
import {
  decodingRecord,
  readRecordString,
  recordStringSize,
  writeRecordString,
} from './record-fields.ts'

export interface OffsetCommitKey {
  readonly group: string
  readonly topic: string
  readonly partition: number
}

export interface OffsetCommitValue {
  /** The next offset the group will read from the partition. */
  readonly offset: number
  /** The leader epoch of the record before `offset`, -1 when unknown. */
  readonly leaderEpoch: number
  /** The client's free-form metadata string ('' when none). */
  readonly metadata: string
  /** When the coordinator accepted the commit, ms since the epoch. */
  readonly commitTimestamp: number
}

const KEY_VERSION = 1
const VALUE_VERSION = 3

/*
 * Key (OffsetCommitKey v1); integers big-endian:
 *
 *   size   field
 *   2      version    int16   1
 *   2 + n  group      string  int16 length, then UTF-8
 *   2 + n  topic      string
 *   4      partition  int32
 */

export function encodeOffsetCommitKey(key: OffsetCommitKey): Uint8Array {
  const writer = new Writer(2 + recordStringSize(key.group) + recordStringSize(key.topic) + 4)
  writer.writeInt16(KEY_VERSION)
  writeRecordString(writer, key.group)
  writeRecordString(writer, key.topic)
  writer.writeInt32(key.partition)
  return writer.finish()
}

/**
 * The key of an offsets record, or undefined for a key of another kind (Kafka's group metadata
 * records, version 2, share the topic); throws CorruptRecordError for a malformed one.
 */
export function decodeOffsetCommitKey(bytes: Uint8Array): OffsetCommitKey | undefined {
  return decodingRecord('offset commit key', () => {
    const reader = new Reader(bytes)
    const version = reader.readInt16()
    if (version !== 0 && version !== 1) return undefined
    const group = readRecordString(reader)
    const topic = readRecordString(reader)
    const partition = reader.readInt32()
    return { group, topic, partition }
  })
}

/*
 * Value (OffsetCommitValue v3):
 *
 *   size   field
 *   2      version          int16   3
 *   8      offset           int64
 *   4      leaderEpoch      int32   -1 when unknown
 *   2 + n  metadata         string
 *   8      commitTimestamp  int64
 */

export function encodeOffsetCommitValue(value: OffsetCommitValue): Uint8Array {
  const writer = new Writer(2 + 8 + 4 + recordStringSize(value.metadata) + 8)
  writer.writeInt16(VALUE_VERSION)
  writer.writeInt64(value.offset)
  writer.writeInt32(value.leaderEpoch)
  writeRecordString(writer, value.metadata)
  writer.writeInt64(value.commitTimestamp)
  return writer.finish()
}

/** A value written by {@link encodeOffsetCommitValue}; versions other than 3 are refused. */
export function decodeOffsetCommitValue(bytes: Uint8Array): OffsetCommitValue {
  return decodingRecord('offset commit value', () => {
    const reader = new Reader(bytes)
    const version = reader.readInt16()
    if (version !== VALUE_VERSION) {
      throw new CorruptRecordError(`offset commit value version ${version} is not supported`)
    }
    const offset = reader.readInt64()
    const leaderEpoch = reader.readInt32()
    const metadata = readRecordString(reader)
    const commitTimestamp = reader.readInt64()
    return { offset, leaderEpoch, metadata, commitTimestamp }
  })
}
