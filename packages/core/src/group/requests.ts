/**
 * The group coordinator's API: what a gateway asks the broker that coordinates a group, and
 * what it answers. The gateway is stateless; consumer instances, their subscriptions, the
 * partitions each owns, what was delivered to each (its position) and what the group committed
 * all live with the coordinator, so any gateway can serve any instance.
 *
 * One poll is two calls around the fetches the gateway makes from partition leaders itself:
 * `poll` (a heartbeat that answers the instance's partitions and positions) and `delivered`
 * (advance the positions of what the gateway is about to return, compare-and-set on the old
 * position, so two gateways polling one instance at once never deliver a record twice).
 *
 * Every request names its group; all requests of one group go to the same coordinator. Offsets
 * are "the next offset to read" throughout: the REST Proxy's +1 convention is the gateway's.
 */
import * as z from 'zod'

const name = z.string().min(1).max(255)
const offset = z.number().int().min(0)

export const topicPartitionSchema = z.strictObject({
  topic: name,
  partition: z.number().int().min(0),
})
export type TopicPartition = z.infer<typeof topicPartitionSchema>

/** The partition assignment strategies the coordinator implements (core/group assignors). */
export const ASSIGNORS = ['range', 'roundrobin', 'sticky'] as const
export type AssignorName = (typeof ASSIGNORS)[number]

export const instanceConfigSchema = z.strictObject({
  /** How the gateway renders keys and values: base64 or parsed JSON. */
  format: z.enum(['binary', 'json']),
  /** Where a partition with no committed offset starts; 'none' fails the poll instead. */
  autoOffsetReset: z.enum(['earliest', 'latest', 'none']),
  /** Commit on delivery (at-most-once) instead of on the client's request. */
  autoCommit: z.boolean(),
  /** Bytes a poll waits for before answering; -1 (unset): answer as soon as any record is there. */
  fetchMinBytes: z.number().int().min(-1),
  /** The longest a poll waits for records; null: the gateway's default. */
  requestTimeoutMs: z.number().int().min(0).nullable(),
  /** A member silent this long leaves its group and its partitions move. */
  sessionTimeoutMs: z.number().int().min(1),
  /** Records delivered but not committed within this are delivered again; null: never. */
  ackTimeoutMs: z.number().int().min(1).nullable(),
  assignor: z.enum(ASSIGNORS),
})
export type InstanceConfig = z.infer<typeof instanceConfigSchema>

const instanceRef = { group: name, instance: name }

export const groupRequestSchema = z.discriminatedUnion('op', [
  /** Creates a consumer instance; `instance` null lets the coordinator name it. */
  z.strictObject({
    op: z.literal('createInstance'),
    group: name,
    instance: name.nullable(),
    config: instanceConfigSchema,
  }),
  z.strictObject({ op: z.literal('deleteInstance'), ...instanceRef }),
  /** Topics by name, or by a regular expression (JavaScript syntax) over the names. */
  z.strictObject({
    op: z.literal('subscribe'),
    ...instanceRef,
    topics: z.array(name).nullable(),
    pattern: z.string().min(1).nullable(),
  }),
  z.strictObject({ op: z.literal('unsubscribe'), ...instanceRef }),
  z.strictObject({ op: z.literal('subscription'), ...instanceRef }),
  /** Manual assignment: exactly these partitions, outside the group's rebalancing. */
  z.strictObject({
    op: z.literal('assign'),
    ...instanceRef,
    partitions: z.array(topicPartitionSchema),
  }),
  z.strictObject({ op: z.literal('assignments'), ...instanceRef }),
  /** A heartbeat that answers the partitions the instance owns now and where it reads each. */
  z.strictObject({ op: z.literal('poll'), ...instanceRef }),
  /**
   * The gateway is about to return records: advance each partition from `from` (the position
   * `poll` answered, null if it was unresolved) to `to`, having delivered the records in
   * [`start`, `to`) (`start` is `from`, or where an unresolved position resolved to; `start`
   * equal to `to` only resolves the position). Partitions the instance no longer owns, or whose
   * position moved meanwhile (compare-and-set on `from`), are left out of `accepted`, and their
   * records must not be returned. With autoCommit the accepted positions are committed first.
   * `pollId`, unique per read, makes a retry safe: the same pollId again (its answer was lost)
   * gets the first answer back instead of failing its compare-and-set.
   */
  z.strictObject({
    op: z.literal('delivered'),
    ...instanceRef,
    memberEpoch: z.number().int(),
    pollId: z.string().min(1).max(100).optional(),
    advances: z.array(
      z.strictObject({
        topic: name,
        partition: z.number().int().min(0),
        from: offset.nullable(),
        start: offset,
        to: offset,
      }),
    ),
  }),
  /** Moves positions of owned partitions (`POST .../positions`, beginning and end resolved). */
  z.strictObject({
    op: z.literal('seek'),
    ...instanceRef,
    positions: z.array(topicPartitionSchema.extend({ offset })),
  }),
  /** Commits `offsets` (next offsets to read), or with null every owned partition's position. */
  z.strictObject({
    op: z.literal('commit'),
    ...instanceRef,
    offsets: z.array(topicPartitionSchema.extend({ offset, metadata: z.string() })).nullable(),
  }),
  /** The group's committed offsets for `partitions`, or for every partition when null. */
  z.strictObject({
    op: z.literal('committed'),
    group: name,
    instance: name.nullable(),
    partitions: z.array(topicPartitionSchema).nullable(),
  }),
  /** Groups coordinated by the broker asked (every __consumer_offsets partition it leads). */
  z.strictObject({ op: z.literal('listGroups') }),
  z.strictObject({ op: z.literal('describeGroup'), group: name }),
  /** An administrator's commit, refused while the group has live members. */
  z.strictObject({
    op: z.literal('resetOffsets'),
    group: name,
    offsets: z.array(topicPartitionSchema.extend({ offset })),
  }),
])
export type GroupRequest = z.infer<typeof groupRequestSchema>
export type GroupOp = GroupRequest['op']
export type GroupRequestOf<Op extends GroupOp> = Extract<GroupRequest, { op: Op }>

export interface OwnedPartition extends TopicPartition {
  /** The next offset to deliver; null: none yet, start by the instance's autoOffsetReset. */
  readonly position: number | null
}

export interface CommittedOffset extends TopicPartition {
  readonly offset: number
  readonly metadata: string
}

/** A group's state, Kafka's names (KIP-848's consumer group states). */
export type GroupState = 'EMPTY' | 'ASSIGNING' | 'RECONCILING' | 'STABLE' | 'DEAD'

export interface MemberDescription {
  readonly instance: string
  /** Whether it takes part in rebalancing (subscribed) or reads what it assigned itself. */
  readonly kind: 'subscribed' | 'assigned'
  readonly memberEpoch: number
  readonly assignments: readonly TopicPartition[]
  readonly lastSeenMs: number
  readonly config: InstanceConfig
}

export interface GroupDescription {
  readonly group: string
  readonly state: GroupState
  readonly assignor: AssignorName
  readonly groupEpoch: number
  /** The __consumer_offsets partition the group lives on. */
  readonly coordinatorPartition: number
  readonly members: readonly MemberDescription[]
  readonly offsets: readonly CommittedOffset[]
}

export interface GroupListing {
  readonly group: string
  readonly state: GroupState
  readonly members: number
}

/** The answer to each op, by op. */
export interface GroupResults {
  createInstance: { readonly instance: string }
  deleteInstance: Record<string, never>
  subscribe: Record<string, never>
  unsubscribe: Record<string, never>
  subscription: { readonly topics: readonly string[]; readonly pattern: string | null }
  assign: Record<string, never>
  assignments: { readonly partitions: readonly TopicPartition[] }
  poll: {
    readonly config: InstanceConfig
    readonly memberEpoch: number
    readonly partitions: readonly OwnedPartition[]
  }
  delivered: { readonly accepted: readonly TopicPartition[] }
  seek: Record<string, never>
  commit: { readonly committed: readonly CommittedOffset[] }
  committed: { readonly offsets: readonly CommittedOffset[] }
  listGroups: { readonly groups: readonly GroupListing[] }
  describeGroup: GroupDescription
  resetOffsets: { readonly committed: readonly CommittedOffset[] }
}

export type GroupResult<Op extends GroupOp = GroupOp> = GroupResults[Op]

/**
 * A response: the op's result, or an error as data (code names, not Kafka numbers, so codes
 * Kafka has no number for, such as MEMBER_ID_EXISTS, survive the trip).
 */
export type GroupResponse<Op extends GroupOp = GroupOp> =
  | { readonly ok: true; readonly result: GroupResult<Op> }
  | {
      readonly ok: false
      readonly error: { readonly code: string; readonly message: string }
    }
