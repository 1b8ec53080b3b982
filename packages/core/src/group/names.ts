/**
 * Where a group's state lives: the internal topic `__consumer_offsets`, one partition of which
 * (chosen by hashing the group id, as Kafka does) is the group's home; its leader is the group's
 * coordinator.
 */

/** Kafka's name for the internal topic that holds committed offsets. */
export const OFFSETS_TOPIC = '__consumer_offsets'

/** Kafka's `offsets.topic.num.partitions` default. */
export const DEFAULT_OFFSETS_TOPIC_PARTITIONS = 50

/** Topics that exist for the system itself: hidden from listings unless asked for, closed to produce. */
export function isInternalTopic(name: string): boolean {
  return name === OFFSETS_TOPIC
}

/**
 * Java's `String.hashCode` (s[0]·31^(n−1) + … + s[n−1] over UTF-16 units, in 32-bit
 * arithmetic), which Kafka hashes group ids with.
 */
export function javaStringHash(text: string): number {
  let hash = 0
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0
  }
  return hash
}

/**
 * The partition of `__consumer_offsets` that holds `group`: Kafka's
 * `Utils.abs(groupId.hashCode()) % partitionCount`, where `Utils.abs(Integer.MIN_VALUE)` is 0.
 * So a group lands on the partition a Kafka cluster with as many offsets partitions would use.
 */
export function coordinatorPartition(group: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partitionCount must be a positive integer, got ${partitionCount}`)
  }
  const hash = javaStringHash(group)
  const positive = hash === -0x8000_0000 ? 0 : Math.abs(hash)
  return positive % partitionCount
}
