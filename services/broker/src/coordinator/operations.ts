import { randomUUID } from 'node:crypto'
import {
  type CommittedOffset,
  ErrorCode,
  type GroupOp,
  type GroupRequestOf,
  type GroupResult,
  TributaryError,
} from '@tributary/core'
import type { ConsumerGroup } from './group.ts'
import { ConsumerInstance, type HeldPartition } from './instance.ts'
import type { InstanceRecordValue } from './instance-record.ts'
import { comparePartitions, keyOf, partitionName, sortedPartitions } from './partitions.ts'
import type { GroupSettings } from './settings.ts'
import type { TopicView } from './topics.ts'

/** What an operation needs besides its group: the time, the image's topics, and the log. */
export interface OperationContext {
  readonly nowMs: number
  readonly settings: GroupSettings
  readonly topics: TopicView
  /**
   * Appends commits of the group to its `__consumer_offsets` partition (one batch), resolving
   * once the log has committed them; a rejection means nothing was committed.
   */
  readonly append: (offsets: readonly CommittedOffset[]) => Promise<void>
  /**
   * Appends an instance's record (a tombstone for null) to the same partition, resolving once
   * the log has committed it; a rejection means nothing was committed. Every change to what
   * survives a coordinator move (instance-record.ts) is stored so before the group's memory
   * changes, and before the answer.
   */
  readonly store: (instance: string, value: InstanceRecordValue | null) => Promise<void>
}

/** Every operation on one group (listGroups spans groups: the coordinator answers it). */
export type GroupScopedOp = Exclude<GroupOp, 'listGroups'>

type Operation<Op extends GroupScopedOp> = (
  context: OperationContext,
  group: ConsumerGroup,
  request: GroupRequestOf<Op>,
) => GroupResult<Op> | Promise<GroupResult<Op>>

/**
 * Serves `request` on `group`, whose liveness has been applied: the coordinator runs it inside
 * the group's queue. Failures throw TributaryErrors and leave the group as it was.
 */
export function operate<Op extends GroupScopedOp>(
  context: OperationContext,
  group: ConsumerGroup,
  request: GroupRequestOf<Op>,
): GroupResult<Op> | Promise<GroupResult<Op>> {
  const op = (request as { readonly op: GroupScopedOp }).op
  const operation = operations[op] as unknown as Operation<Op>
  return operation(context, group, request)
}

const operations: { readonly [Op in GroupScopedOp]: Operation<Op> } = {
  async createInstance(context, group, request) {
    const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = context.settings
    const { sessionTimeoutMs } = request.config
    if (sessionTimeoutMs < min || sessionTimeoutMs > max) {
      throw new TributaryError(
        ErrorCode.InvalidSessionTimeout,
        `session timeout ${sessionTimeoutMs} ms is outside the broker's bounds [${min}, ${max}] ms (group.min.session.timeout.ms, group.max.session.timeout.ms)`,
      )
    }
    const id = request.instance ?? `rest-consumer-${randomUUID()}`
    if (group.instances.has(id)) {
      throw new TributaryError(
        ErrorCode.MemberIdExists,
        `consumer instance ${id} already exists in group ${group.id}`,
      )
    }
    const { config } = request
    await context.store(id, { config, subscription: null, assignment: null })
    group.add(new ConsumerInstance(id, config, context.nowMs))
    return { instance: id }
  },

  async deleteInstance(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    await context.store(instance.id, null)
    group.remove(instance)
    return {}
  },

  async subscribe(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    if (instance.assignment !== null) {
      throw illegalState(
        `instance ${instance.id} has assigned partitions manually; it cannot also subscribe`,
      )
    }
    const subscription = context.topics.subscription(request.topics, request.pattern)
    await context.store(instance.id, { config: instance.config, subscription, assignment: null })
    instance.subscription = subscription
    if (instance.member) group.refresh()
    else group.join(instance)
    return {}
  },

  async unsubscribe(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    await context.store(instance.id, {
      config: instance.config,
      subscription: null,
      assignment: null,
    })
    group.leave(instance)
    instance.subscription = null
    instance.assignment = null
    instance.held.clear()
    return {}
  },

  subscription(context, group, request) {
    const { subscription } = instanceOf(context, group, request.instance)
    if (subscription === null) return { topics: [], pattern: null }
    return {
      topics: context.topics.resolve(subscription),
      pattern: subscription.kind === 'pattern' ? subscription.source : null,
    }
  },

  async assign(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    if (instance.subscription !== null) {
      throw illegalState(
        `instance ${instance.id} is subscribed; it cannot also assign partitions manually`,
      )
    }
    context.topics.checkPartitions(request.partitions)
    const partitions = sortedPartitions(
      new Map(request.partitions.map((tp) => [keyOf(tp), tp])).values(),
    )
    // Assigning nothing ends the manual assignment (group.assign).
    const assignment = partitions.length === 0 ? null : partitions
    await context.store(instance.id, { config: instance.config, subscription: null, assignment })
    group.assign(instance, partitions)
    return {}
  },

  assignments(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    group.reconcile(instance)
    return { partitions: sortedPartitions(instance.held.values()) }
  },

  poll(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    if (!instance.active) {
      throw illegalState(
        `instance ${instance.id} is not subscribed to any topics or assigned any partitions`,
      )
    }
    if (instance.subscription !== null) {
      group.join(instance)
      group.reconcile(instance)
    }
    const { ackTimeoutMs } = instance.config
    const partitions = [...instance.held.values()].sort(comparePartitions).map((held) => {
      if (
        ackTimeoutMs !== null &&
        held.pending !== null &&
        context.nowMs - held.pending.sinceMs >= ackTimeoutMs
      ) {
        // Delivered but not committed in time: delivered again (at-least-once).
        held.position = held.pending.rewindTo
        held.pending = null
      }
      return { topic: held.topic, partition: held.partition, position: held.position }
    })
    return { config: instance.config, memberEpoch: instance.memberEpoch, partitions }
  },

  async delivered(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    for (const advance of request.advances) {
      if (advance.to < advance.start) {
        throw new TributaryError(
          ErrorCode.InvalidRequest,
          `delivered ${partitionName(advance)}: to ${advance.to} is before start ${advance.start}`,
        )
      }
    }
    const { pollId } = request
    if (pollId !== undefined && instance.lastDelivered?.pollId === pollId) {
      return { accepted: instance.lastDelivered.accepted }
    }
    if (request.memberEpoch !== instance.memberEpoch) return { accepted: [] }
    // Compare-and-set against positions as this request moves them, so a partition listed
    // twice is taken only where its first advance left it.
    const moves = new Map<string, { held: HeldPartition; start: number; to: number }>()
    for (const advance of request.advances) {
      const key = keyOf(advance)
      const held = instance.held.get(key)
      if (held === undefined) continue
      const current = moves.get(key)?.to ?? held.position
      if (current !== advance.from) continue
      moves.set(key, { held, start: moves.get(key)?.start ?? advance.start, to: advance.to })
    }
    const { autoCommit, ackTimeoutMs } = instance.config
    if (autoCommit) {
      const offsets = [...moves.values()]
        .map(({ held, to }) => ({
          topic: held.topic,
          partition: held.partition,
          offset: to,
          metadata: '',
        }))
        .filter((offset) => group.committed.get(keyOf(offset))?.offset !== offset.offset)
      await commit(context, group, offsets, instance)
    }
    for (const { held, start, to } of moves.values()) {
      held.position = to
      if (!autoCommit && ackTimeoutMs !== null && start < to && held.pending === null) {
        held.pending = { rewindTo: start, sinceMs: context.nowMs }
      }
    }
    const accepted = sortedPartitions([...moves.values()].map(({ held }) => held))
    if (pollId !== undefined) instance.lastDelivered = { pollId, accepted }
    return { accepted }
  },

  seek(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    const seeks = request.positions.map((position) => {
      const held = instance.held.get(keyOf(position))
      if (held === undefined) {
        throw illegalState(
          `instance ${instance.id} does not own ${partitionName(position)}, so it cannot seek it`,
        )
      }
      return { held, offset: position.offset }
    })
    for (const { held, offset } of seeks) {
      held.position = offset
      held.pending = null
    }
    return {}
  },

  async commit(context, group, request) {
    const instance = instanceOf(context, group, request.instance)
    if (request.offsets === null) {
      const positions = [...instance.held.values()].flatMap((held) =>
        held.position === null
          ? []
          : [{ topic: held.topic, partition: held.partition, offset: held.position, metadata: '' }],
      )
      await commit(
        context,
        group,
        positions.filter((offset) => group.committed.get(keyOf(offset))?.offset !== offset.offset),
        instance,
      )
      return { committed: group.committedOffsets(positions) }
    }
    const offsets = [...new Map(request.offsets.map((offset) => [keyOf(offset), offset])).values()]
    for (const offset of offsets) {
      if (!instance.held.has(keyOf(offset))) {
        throw new TributaryError(
          ErrorCode.IllegalGeneration,
          `instance ${instance.id} does not own ${partitionName(offset)}: it expired or the partition moved`,
        )
      }
    }
    await commit(context, group, offsets, instance)
    return { committed: group.committedOffsets(offsets) }
  },

  committed(context, group, request) {
    if (request.instance !== null) instanceOf(context, group, request.instance)
    return { offsets: group.committedOffsets(request.partitions) }
  },

  describeGroup(_context, group, request) {
    if (group.empty) {
      throw new TributaryError(ErrorCode.GroupIdNotFound, `group ${request.group} does not exist`)
    }
    return group.describe()
  },

  async resetOffsets(context, group, request) {
    const active = [...group.instances.values()].filter((instance) => instance.active)
    if (active.length > 0) {
      throw new TributaryError(
        ErrorCode.NonEmptyGroup,
        `group ${group.id} has ${active.length} active consumer instance(s) (${active.map((instance) => instance.id).join(', ')}); offsets can be reset only while it has none`,
      )
    }
    const offsets = [
      ...new Map(
        request.offsets.map((offset) => [keyOf(offset), { ...offset, metadata: '' }]),
      ).values(),
    ]
    await commit(context, group, offsets)
    return { committed: group.committedOffsets(offsets) }
  },
}

/**
 * The instance named, its liveness touched; UNKNOWN_MEMBER_ID when it never existed, was
 * deleted or expired.
 */
function instanceOf(context: OperationContext, group: ConsumerGroup, id: string): ConsumerInstance {
  const instance = group.instances.get(id)
  if (instance === undefined) {
    throw new TributaryError(
      ErrorCode.UnknownMemberId,
      `consumer instance ${id} of group ${group.id} does not exist (it was deleted or expired)`,
    )
  }
  instance.lastSeenMs = context.nowMs
  return instance
}

/** Appends `offsets` (nothing when empty), then records them in the group. */
async function commit(
  context: OperationContext,
  group: ConsumerGroup,
  offsets: readonly CommittedOffset[],
  by?: ConsumerInstance,
): Promise<void> {
  if (offsets.length === 0) return
  await context.append(offsets)
  group.applyCommits(offsets, by)
}

function illegalState(message: string): TributaryError {
  return new TributaryError(ErrorCode.IllegalConsumerState, message)
}
