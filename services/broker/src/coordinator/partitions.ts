import type { TopicPartition } from '@tributary/core'

/**
 * Small helpers for the partitions the coordinator keeps maps of: one key form and one order
 * (topic, then partition; topics in UTF-16 order as Kafka's Java sorts them).
 */

/** A map key for a partition; the number first, so no topic name can collide with another. */
export function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`
}

/** The key of a {@link TopicPartition}. */
export function keyOf(tp: TopicPartition): string {
  return partitionKey(tp.topic, tp.partition)
}

/** Topic, then partition. */
export function comparePartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

/** `t-p`, as Kafka names a partition in messages. */
export function partitionName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

/** Copies of `partitions` as plain `{topic, partition}`, sorted. */
export function sortedPartitions(partitions: Iterable<TopicPartition>): TopicPartition[] {
  return [...partitions]
    .map(({ topic, partition }) => ({ topic, partition }))
    .sort(comparePartitions)
}
