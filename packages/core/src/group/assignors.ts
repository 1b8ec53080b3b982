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

/** A member of the group as an assignor sees it: its id and what it subscribes to. */
export interface AssignorMember {
  readonly memberId: string
  /** The topics it subscribes to (existing ones; unknown names are ignored). */
  readonly topics: readonly string[]
}

/** Everything an assignor decides from; the coordinator builds it from the group and the image. */
export interface AssignmentInput {
  /** In any order; a member id listed twice subscribes to the union of its lists. */
  readonly members: readonly AssignorMember[]
  /** The partition count of each topic that exists. */
  readonly partitionCounts: ReadonlyMap<string, number>
  /** What each member owns now; sticky keeps as much of it as balance allows. */
  readonly current: ReadonlyMap<string, readonly TopicPartition[]>
}

/** memberId → the partitions it should own. */
export type Assignment = Map<string, TopicPartition[]>

/** A partition assignment strategy: pure, so the coordinator can rerun it whenever inputs change. */
export type Assignor = (input: AssignmentInput) => Assignment

/**
 * Kafka's RangeAssignor: per topic, members subscribed to it sorted by id, partitions cut into
 * contiguous ranges, the first (count mod members) members one partition more.
 */
export function rangeAssignor(input: AssignmentInput): Assignment {
  const members = subscribers(input)
  for (const [topic, owners] of subscribedTopics(members)) {
    const count = partitionCount(input, topic)
    const base = Math.floor(count / owners.length)
    const extra = count % owners.length
    let next = 0
    owners.forEach((owner, index) => {
      const end = next + base + (index < extra ? 1 : 0)
      for (; next < end; next++) owner.assigned.push({ topic, partition: next })
    })
  }
  // Topics in order, each topic's partitions in order: every list is already sorted.
  return assignmentOf(members)
}

/**
 * Kafka's RoundRobinAssignor: all subscribed partitions sorted by topic then partition, dealt
 * in turn to members (sorted by id), skipping members not subscribed to a partition's topic.
 */
export function roundRobinAssignor(input: AssignmentInput): Assignment {
  const members = subscribers(input)
  let turn = 0
  for (const topic of subscribedTopics(members).keys()) {
    const count = partitionCount(input, topic)
    for (let partition = 0; partition < count; partition++) {
      // Someone subscribes to `topic`, so one lap always finds a taker.
      for (let step = 0; step < members.length; step++) {
        const member = members[(turn + step) % members.length]
        if (member?.topics.has(topic)) {
          member.assigned.push({ topic, partition })
          turn = (turn + step + 1) % members.length
          break
        }
      }
    }
  }
  return assignmentOf(members)
}

/**
 * Sticky (Kafka's StickyAssignor; KIP-848's uniform assignor): balanced, so per-member counts
 * among members with the same subscriptions differ by at most one, and otherwise keeps every
 * partition where `current` has it, moving as few as it can.
 *
 * A partition in `current` is kept by its owner only if that owner is still a member, still
 * subscribes to its topic, the partition still exists, and no other such member lists it too;
 * every other partition is free. Three steps:
 * 1. each member keeps its valid partitions;
 * 2. free partitions, those with the fewest eligible members first, go one at a time to the
 *    eligible member with the fewest partitions;
 * 3. while some member has at least two more partitions than a member that could take one of
 *    them, the most loaded such member gives one (preferring partitions it did not keep) to the
 *    least loaded. Each move lowers the sum of squared counts, so this ends; and it cannot end
 *    while two members with the same subscriptions differ by two or more.
 * When subscriptions are identical, members that gain partitions never lose any, so each keeps
 * min(what it validly owned, what it ends with): a new member costs exactly the partitions it
 * receives, a departed one exactly the partitions it had. With different subscriptions this is
 * a greedy heuristic: balance that needs chains of moves (a→b→c) is not sought.
 */
export function stickyAssignor(input: AssignmentInput): Assignment {
  const members = subscribers(input)
  const byId = new Map(members.map((member) => [member.memberId, member]))
  const topics = subscribedTopics(members)

  // partition key → its one valid claimant, or null when two members claim it.
  const claims = new Map<string, Subscriber | null>()
  for (const [memberId, partitions] of input.current) {
    const member = byId.get(memberId)
    if (member === undefined) continue
    for (const { topic, partition } of partitions) {
      // Claims of partitions that do not exist are never looked up below.
      if (!member.topics.has(topic)) continue
      const key = keyOf(topic, partition)
      const claimant = claims.get(key)
      claims.set(key, claimant === undefined || claimant === member ? member : null)
    }
  }

  const kept = new Set<string>()
  const free: Array<{ partition: TopicPartition; eligible: Subscriber[] }> = []
  for (const [topic, eligible] of topics) {
    const count = partitionCount(input, topic)
    for (let partition = 0; partition < count; partition++) {
      const owner = claims.get(keyOf(topic, partition))
      if (owner) {
        owner.assigned.push({ topic, partition })
        kept.add(keyOf(topic, partition))
      } else {
        free.push({ partition: { topic, partition }, eligible })
      }
    }
  }

  // Stable sort: equal counts of eligible members stay in topic-then-partition order.
  free.sort((a, b) => a.eligible.length - b.eligible.length)
  for (const { partition, eligible } of free) {
    let taker: Subscriber | undefined
    for (const member of eligible) {
      if (taker === undefined || member.assigned.length < taker.assigned.length) taker = member
    }
    taker?.assigned.push(partition)
  }

  for (let move = findMove(members, kept); move; move = findMove(members, kept)) {
    const [partition] = move.from.assigned.splice(move.index, 1)
    if (partition === undefined) break
    kept.delete(keyOf(partition.topic, partition.partition))
    move.to.assigned.push(partition)
  }

  for (const member of members) member.assigned.sort(comparePartitions)
  return assignmentOf(members)
}

/** Every assignor by the name a consumer's `partition.assignment.strategy` gives it. */
export const assignors: Readonly<Record<AssignorName, Assignor>> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  sticky: stickyAssignor,
}

/** A member as the assignors work on it: its existing topics, and what it is given so far. */
interface Subscriber {
  readonly memberId: string
  readonly topics: ReadonlySet<string>
  readonly assigned: TopicPartition[]
}

/** The members sorted by id (one listed twice subscribes to the union), topics that exist only. */
function subscribers(input: AssignmentInput): Subscriber[] {
  const topicsById = new Map<string, Set<string>>()
  for (const { memberId, topics } of input.members) {
    const subscribed = topicsById.get(memberId) ?? new Set<string>()
    for (const topic of topics) if (input.partitionCounts.has(topic)) subscribed.add(topic)
    topicsById.set(memberId, subscribed)
  }
  return [...topicsById]
    .sort(([a], [b]) => compareText(a, b))
    .map(([memberId, topics]) => ({ memberId, topics, assigned: [] }))
}

/** Each topic some member subscribes to, in order, with its subscribers in member order. */
function subscribedTopics(members: readonly Subscriber[]): Map<string, Subscriber[]> {
  const topics = new Set(members.flatMap((member) => [...member.topics]))
  return new Map(
    [...topics]
      .sort(compareText)
      .map((topic) => [topic, members.filter((member) => member.topics.has(topic))]),
  )
}

function assignmentOf(members: readonly Subscriber[]): Assignment {
  return new Map(members.map((member) => [member.memberId, member.assigned]))
}

/**
 * The next balancing move of step 3 of {@link stickyAssignor}: from the most loaded member that
 * has a partition a member with at least two fewer subscribes to, to the least loaded such
 * member; ties by member id. Undefined once no such move exists.
 */
function findMove(
  members: readonly Subscriber[],
  kept: ReadonlySet<string>,
): { from: Subscriber; to: Subscriber; index: number } | undefined {
  const lightest = [...members].sort(
    (a, b) => a.assigned.length - b.assigned.length || compareText(a.memberId, b.memberId),
  )
  const heaviest = [...members].sort(
    (a, b) => b.assigned.length - a.assigned.length || compareText(a.memberId, b.memberId),
  )
  for (const from of heaviest) {
    for (const to of lightest) {
      if (to.assigned.length + 1 >= from.assigned.length) break
      let index = -1
      from.assigned.forEach((partition, at) => {
        if (!to.topics.has(partition.topic)) return
        const best = from.assigned[index]
        if (best === undefined || preferToMove(partition, best, kept)) index = at
      })
      if (index >= 0) return { from, to, index }
    }
  }
  return undefined
}

/** Whether `a` should move rather than `b`: one not kept first, then the later in order. */
function preferToMove(a: TopicPartition, b: TopicPartition, kept: ReadonlySet<string>): boolean {
  const aKept = kept.has(keyOf(a.topic, a.partition))
  const bKept = kept.has(keyOf(b.topic, b.partition))
  if (aKept !== bKept) return bKept
  return comparePartitions(a, b) > 0
}

function partitionCount(input: AssignmentInput, topic: string): number {
  return Math.max(0, Math.floor(input.partitionCounts.get(topic) ?? 0))
}

/** A map key for a partition; the partition number first, so no topic name can collide. */
function keyOf(topic: string, partition: number): string {
  return `${partition}:${topic}`
}

/** UTF-16 code unit order, as Java's String.compareTo (Kafka sorts member ids and topics so). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function comparePartitions(a: TopicPartition, b: TopicPartition): number {
  return compareText(a.topic, b.topic) || a.partition - b.partition
}
