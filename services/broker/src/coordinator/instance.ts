import type { InstanceConfig, TopicPartition } from '@tributary/core'

/**
 * What an instance reads a partition it owns (or was assigned) from: its position, and the
 * records delivered but not yet committed that an ack timeout would deliver again.
 */
export interface HeldPartition {
  readonly topic: string
  readonly partition: number
  /** The next offset to deliver; null until the gateway resolves it by autoOffsetReset. */
  position: number | null
  /**
   * Set when records were delivered with nothing pending (ackTimeoutMs set, autoCommit off):
   * where a timed-out delivery rewinds to, and when the first uncommitted delivery was made.
   */
  pending: { rewindTo: number; readonly sinceMs: number } | null
}

/** A subscription by topic names, or by a pattern over them. */
export type Subscription =
  | { readonly kind: 'topics'; readonly topics: readonly string[] }
  | { readonly kind: 'pattern'; readonly source: string; readonly regexp: RegExp }

/**
 * A subscription by the pattern `source`, matched against whole topic names. Throws the
 * SyntaxError of a source that is not a valid regular expression.
 */
export function patternSubscription(source: string): Subscription {
  return { kind: 'pattern', source, regexp: new RegExp(`^(?:${source})$`) }
}

/**
 * One consumer instance of a group (the REST Proxy's consumer instance): its settings, what it
 * reads (a subscription, or a manual assignment, never both), and where it reads each partition
 * it holds. A subscribed instance is a *member* while it takes part in the group's rebalancing;
 * it stops being one when its session expires, and joins again at its next poll. Its id,
 * settings and what it reads are also a record of `__consumer_offsets` (instance-record.ts), so
 * it outlives its coordinator; the rest (membership, positions) a new coordinator rebuilds.
 */
export class ConsumerInstance {
  readonly id: string
  readonly config: InstanceConfig
  lastSeenMs: number
  subscription: Subscription | null = null
  /** Manually assigned partitions, sorted; null when it has none. */
  assignment: TopicPartition[] | null = null
  /** Whether it takes part in the group's rebalancing now. */
  member = false
  /** The group epoch whose target it last owned entirely; 0 until it has. */
  memberEpoch = 0
  /**
   * The partitions it reads now, by partition key: what it owns as a member, or its manual
   * assignment. Dropping a partition here drops its position.
   */
  readonly held = new Map<string, HeldPartition>()
  /** The last `delivered` with a pollId and what it accepted: a retry of it gets the same answer. */
  lastDelivered: { readonly pollId: string; readonly accepted: TopicPartition[] } | null = null

  constructor(id: string, config: InstanceConfig, nowMs: number) {
    this.id = id
    this.config = config
    this.lastSeenMs = nowMs
  }

  /** Whether it reads anything: subscribed, or manually assigned. */
  get active(): boolean {
    return this.subscription !== null || this.assignment !== null
  }
}
