import type { GroupOffsetData, PartitionOffsets, ResetTarget } from '../rest/index.ts'
import { formatTable } from './table.ts'

/**
 * `consumer-groups --reset-offsets`: the plan (each partition's new committed offset, from its
 * log's beginning and end) and its table, GROUP TOPIC PARTITION NEW-OFFSET as
 * kafka-consumer-groups.sh prints it, both for the dry run and for what was applied. Pure.
 */

/** `--topic t` (every partition) or `--topic t:0,2`. */
export interface TopicSelection {
  readonly topic: string
  /** Absent: every partition of the topic. */
  readonly partitions?: readonly number[]
}

/** One partition's new committed offset, and why it differs from what was asked, if it does. */
export interface PlannedOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** Set when --to-offset fell outside the log and was moved to its nearest end. */
  readonly warning?: string
}

/**
 * The new offset of one partition: its log's beginning or end, or the asked offset moved into
 * [beginning, end] as Kafka does (with a warning saying so).
 */
export const plannedOffset = (
  topic: string,
  partition: number,
  log: PartitionOffsets,
  target: ResetTarget,
): PlannedOffset => {
  if (target.to !== 'offset') {
    const offset = target.to === 'earliest' ? log.beginning_offset : log.end_offset
    return { topic, partition, offset }
  }
  const name = `${topic}-${partition}`
  if (target.offset > log.end_offset) {
    return {
      topic,
      partition,
      offset: log.end_offset,
      warning:
        `New offset (${target.offset}) is higher than latest offset for topic partition ` +
        `${name}. Value will be set to ${log.end_offset}`,
    }
  }
  if (target.offset < log.beginning_offset) {
    return {
      topic,
      partition,
      offset: log.beginning_offset,
      warning:
        `New offset (${target.offset}) is lower than earliest offset for topic partition ` +
        `${name}. Value will be set to ${log.beginning_offset}`,
    }
  }
  return { topic, partition, offset: target.offset }
}

const byTopicPartition = (
  a: { topic: string; partition: number },
  b: { topic: string; partition: number },
): number => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)

/** GROUP TOPIC PARTITION NEW-OFFSET, sorted by topic and partition. */
export const formatResetPlan = (
  group: string,
  offsets: readonly { topic: string; partition: number; offset: number }[],
): string =>
  formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
    [...offsets]
      .sort(byTopicPartition)
      .map((o) => [group, o.topic, String(o.partition), String(o.offset)]),
  )

/** The `offsets:reset` answers in the plan's terms. */
export const appliedOffsets = (
  data: readonly GroupOffsetData[],
): { topic: string; partition: number; offset: number }[] =>
  data.map((item) => ({
    topic: item.topic_name,
    partition: item.partition_id,
    offset: item.offset,
  }))
