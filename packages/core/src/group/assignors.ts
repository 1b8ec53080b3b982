/**
 * Partition assignors: pure functions from a group's members, their subscriptions and the
 * partitions of the topics they subscribe to, to the partitions each member should own. The
 * coordinator runs them (as in KIP-848), so every member sees one consistent assignment.
 *
 * Shared contract (the tests hold every assignor to it):
 * - every partition of a topic some member subscribes to goes to exactly one member that
 *   subscribes to that topic; topics nobody subscribes to are left out;
 * - the result names every member (an empty list for one that gets nothing);
 * - deterministic: the same input gives the same output, whatever the order of `members` or
 *   of the partitions in `current`; each member's list is sorted by topic, then partition.
 */
import type { AssignorName, TopicPartition } from './requests.ts'

export interface AssignorMember {
  readonly memberId: string
  /** The topics it subscribes to (existing ones; unknown names are ignored). */
  readonly topics: readonly string[]
}

export interface AssignmentInput {
  readonly members: readonly AssignorMember[]
  /** The partition count of each topic that exists. */
  readonly partitionCounts: ReadonlyMap<string, number>
  /** What each member owns now; sticky keeps as much of it as balance allows. */
  readonly current: ReadonlyMap<string, readonly TopicPartition[]>
}

/** memberId → the partitions it should own. */
export type Assignment = Map<string, TopicPartition[]>

export type Assignor = (input: AssignmentInput) => Assignment

/**
 * Kafka's RangeAssignor: per topic, members subscribed to it sorted by id, partitions cut into
 * contiguous ranges, the first (count mod members) members one partition more.
 */
export function rangeAssignor(input: AssignmentInput): Assignment {
  throw new Error(`not implemented: ${input.members.length}`)
}

/**
 * Kafka's RoundRobinAssignor: all subscribed partitions sorted by topic then partition, dealt
 * in turn to members (sorted by id), skipping members not subscribed to a partition's topic.
 */
export function roundRobinAssignor(input: AssignmentInput): Assignment {
  throw new Error(`not implemented: ${input.members.length}`)
}

/**
 * Sticky (Kafka's StickyAssignor; KIP-848's uniform assignor): balanced, so per-member counts
 * among members with the same subscriptions differ by at most one, and otherwise keeps every
 * partition where `current` has it, moving as few as it can.
 */
export function stickyAssignor(input: AssignmentInput): Assignment {
  throw new Error(`not implemented: ${input.members.length}`)
}

export const assignors: Readonly<Record<AssignorName, Assignor>> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  sticky: stickyAssignor,
}
