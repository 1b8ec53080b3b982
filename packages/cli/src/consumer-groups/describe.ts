import type {
  ConsumerAssignmentData,
  ConsumerData,
  ConsumerGroupData,
  ConsumerLagData,
} from '../rest/index.ts'
import { formatTable } from './table.ts'

/**
 * `consumer-groups --describe` as kafka-consumer-groups.sh prints it: the group's state line
 * (GROUP ASSIGNMENT-STRATEGY STATE #MEMBERS, Kafka's `--state` columns), then one row per
 * partition (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID, '-' where
 * unknown) and one per member that owns nothing. Pure: the command gathers the v3 answers
 * (group, consumers and their assignments, lags), these functions shape and print them.
 */

/** One row of the offsets table; null where the value is unknown. */
export interface GroupOffsetRow {
  readonly topic: string | null
  readonly partition: number | null
  /** The group's committed offset (the next to read). */
  readonly currentOffset: number | null
  readonly logEndOffset: number | null
  readonly lag: number | null
  readonly consumerId: string | null
}

/** A group as --describe shows it: its state line and its offsets rows. */
export interface GroupDescription {
  readonly group: string
  readonly state: string
  readonly assignor: string | null
  readonly members: number
  readonly rows: readonly GroupOffsetRow[]
}

/** A consumer's id with its assignments, as the command fetched them. */
export interface MemberAssignments {
  readonly consumer: ConsumerData
  readonly assignments: readonly ConsumerAssignmentData[]
}

const numberOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null

const idOrNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === '' ? null : value

const byTopicPartition = (a: GroupOffsetRow, b: GroupOffsetRow): number => {
  // Members that own nothing go last, by id.
  if (a.topic === null || b.topic === null) {
    if (a.topic !== null) return -1
    if (b.topic !== null) return 1
    return (a.consumerId ?? '') < (b.consumerId ?? '') ? -1 : 1
  }
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1
  return (a.partition ?? 0) - (b.partition ?? 0)
}

/**
 * The rows: a partition with a lag entry (committed or owned) or assigned to a member, with
 * the lag entry's owner or else the assignment's; then members with no partition. The lag is
 * the server's, else log end − committed when both are known.
 */
export const groupOffsetRows = (
  lags: readonly ConsumerLagData[],
  members: readonly MemberAssignments[],
): GroupOffsetRow[] => {
  const rows = new Map<string, GroupOffsetRow>()
  const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`
  for (const lag of lags) {
    const current = numberOrNull(lag.current_offset)
    const end = numberOrNull(lag.log_end_offset)
    rows.set(key(lag.topic_name, lag.partition_id), {
      topic: lag.topic_name,
      partition: lag.partition_id,
      currentOffset: current,
      logEndOffset: end,
      lag:
        current === null ? null : (numberOrNull(lag.lag) ?? (end === null ? null : end - current)),
      consumerId: idOrNull(lag.consumer_id),
    })
  }
  const idle: GroupOffsetRow[] = []
  for (const { consumer, assignments } of members) {
    for (const assignment of assignments) {
      const k = key(assignment.topic_name, assignment.partition_id)
      const row = rows.get(k)
      if (row === undefined) {
        rows.set(k, {
          topic: assignment.topic_name,
          partition: assignment.partition_id,
          currentOffset: null,
          logEndOffset: null,
          lag: null,
          consumerId: consumer.consumer_id,
        })
      } else if (row.consumerId === null) {
        rows.set(k, { ...row, consumerId: consumer.consumer_id })
      }
    }
    if (assignments.length === 0) {
      idle.push({
        topic: null,
        partition: null,
        currentOffset: null,
        logEndOffset: null,
        lag: null,
        consumerId: consumer.consumer_id,
      })
    }
  }
  return [...rows.values(), ...idle].sort(byTopicPartition)
}

/** Fills a row's unknown log end (and then its lag) from `logEnd`, when it names a partition. */
export const withLogEnd = (row: GroupOffsetRow, logEnd: number | null): GroupOffsetRow => {
  if (row.logEndOffset !== null || logEnd === null) return row
  return {
    ...row,
    logEndOffset: logEnd,
    lag: row.lag ?? (row.currentOffset === null ? null : logEnd - row.currentOffset),
  }
}

/** The description from the v3 group, its consumers and the rows built from its lags. */
export const describeGroup = (
  group: ConsumerGroupData,
  consumers: readonly ConsumerData[],
  rows: readonly GroupOffsetRow[],
): GroupDescription => ({
  group: group.consumer_group_id,
  state: group.state ?? 'UNKNOWN',
  assignor: idOrNull(group.partition_assignor),
  members: consumers.length,
  rows,
})

const cell = (value: string | number | null): string => (value === null ? '-' : String(value))

/** The state table and the offsets table, separated by a blank line. */
export const formatGroupDescription = (description: GroupDescription): string => {
  const state = formatTable(
    ['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    [
      [
        description.group,
        cell(description.assignor),
        description.state,
        String(description.members),
      ],
    ],
  )
  const offsets = formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID'],
    description.rows.map((row) => [
      description.group,
      cell(row.topic),
      cell(row.partition),
      cell(row.currentOffset),
      cell(row.logEndOffset),
      cell(row.lag),
      cell(row.consumerId),
    ]),
  )
  return offsets === '' ? state : `${state}\n${offsets}`
}

const REBALANCING = new Set([
  'ASSIGNING',
  'RECONCILING',
  'PREPARING_REBALANCE',
  'COMPLETING_REBALANCE',
])

/** Kafka's remark on stderr for a group with no members or one moving partitions, if any. */
export const groupStateNotice = (description: GroupDescription): string | undefined => {
  if (description.members === 0 || description.state.toUpperCase() === 'EMPTY') {
    return `Consumer group '${description.group}' has no active members.`
  }
  if (REBALANCING.has(description.state.toUpperCase())) {
    return `Warning: Consumer group '${description.group}' is rebalancing.`
  }
  return undefined
}
