import {
  type AssignorName,
  assignors,
  type CommittedOffset,
  type GroupDescription,
  type GroupListing,
  type GroupState,
  type MemberDescription,
  type TopicPartition,
} from '@tributary/core'
import { ConsumerInstance, type HeldPartition } from './instance.ts'
import type { InstanceRecordValue } from './instance-record.ts'
import { comparePartitions, keyOf, partitionKey, sortedPartitions } from './partitions.ts'
import type { GroupSettings } from './settings.ts'
import type { TopicView } from './topics.ts'

/** The assignor of a group none of whose members says otherwise (the REST Proxy's default is sticky). */
const FALLBACK_ASSIGNOR: AssignorName = 'sticky'

/**
 * One consumer group's state on its coordinator: its instances, its membership and target
 * assignment, who owns each partition, and its committed offsets. Operations run one at a time
 * ({@link run}), so a compare-and-set or an ownership check stays true across the append that
 * follows it.
 *
 * Partitions move without ever having two owners: the target is recomputed whenever the
 * assignor's inputs change, and each member {@link reconcile}s at its own poll, releasing what
 * it should no longer own before claiming what nobody owns.
 */
export class ConsumerGroup {
  readonly id: string
  /** The `__consumer_offsets` partition the group lives on. */
  readonly coordinatorPartition: number
  readonly instances = new Map<string, ConsumerInstance>()
  /** The latest committed offset of each partition, by partition key. */
  readonly committed = new Map<string, CommittedOffset>()
  /** Bumped whenever the target assignment is recomputed. */
  groupEpoch = 0
  /** Members by id, in the order they joined: the first one's assignor is the group's. */
  readonly #members = new Map<string, ConsumerInstance>()
  /** Partition key → the member that owns it. */
  readonly #owners = new Map<string, string>()
  /** Member id → the partitions it should own. */
  #target = new Map<string, TopicPartition[]>()
  /** What the target was last computed from, to notice a change. */
  #inputs = ''
  readonly #topics: TopicView
  readonly #settings: GroupSettings
  #tail: Promise<unknown> = Promise.resolve()
  #queued = 0

  constructor(
    id: string,
    coordinatorPartition: number,
    topics: TopicView,
    settings: GroupSettings,
  ) {
    this.id = id
    this.coordinatorPartition = coordinatorPartition
    this.#topics = topics
    this.#settings = settings
  }

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.#queued++
    const result = this.#tail.then(task).finally(() => {
      this.#queued--
    })
    this.#tail = result.catch(() => undefined)
    return result
  }

  /** Whether no task is queued or running. */
  get idle(): boolean {
    return this.#queued === 0
  }

  /** Whether the group holds nothing: no instance and no committed offset. */
  get empty(): boolean {
    return this.instances.size === 0 && this.committed.size === 0
  }

  /** The group's assignor: its first member's, else its first instance's, else sticky. */
  get assignor(): AssignorName {
    const first = this.#members.values().next().value ?? this.instances.values().next().value
    return first?.config.assignor ?? FALLBACK_ASSIGNOR
  }

  /**
   * Applies liveness: deletes instances idle longer than the instance timeout, and takes out of
   * the membership members silent longer than their session timeout (their partitions are
   * free at once). The latter stay instances and rejoin at their next poll. Returns the
   * instances it deleted, whose records the coordinator then deletes from the log.
   */
  expire(nowMs: number): ConsumerInstance[] {
    const deleted: ConsumerInstance[] = []
    for (const instance of [...this.instances.values()]) {
      const silentMs = nowMs - instance.lastSeenMs
      if (silentMs > this.#settings.consumerInstanceTimeoutMs) {
        this.remove(instance)
        deleted.push(instance)
      } else if (instance.member && silentMs > instance.config.sessionTimeoutMs) {
        this.leave(instance)
      }
    }
    return deleted
  }

  add(instance: ConsumerInstance): void {
    this.instances.set(instance.id, instance)
  }

  /** Deletes an instance: it leaves the membership and lets go of everything it held. */
  remove(instance: ConsumerInstance): void {
    this.leave(instance)
    instance.held.clear()
    this.instances.delete(instance.id)
  }

  /** Makes a subscribed instance a member (epoch 0 until it owns its whole target). */
  join(instance: ConsumerInstance): void {
    if (instance.member) return
    instance.member = true
    instance.memberEpoch = 0
    this.#members.set(instance.id, instance)
    this.refresh()
  }

  /** Takes an instance out of the membership; the partitions it owned are free at once. */
  leave(instance: ConsumerInstance): void {
    if (!instance.member) return
    for (const key of instance.held.keys()) {
      if (this.#owners.get(key) === instance.id) this.#owners.delete(key)
    }
    instance.held.clear()
    instance.member = false
    instance.memberEpoch = 0
    this.#members.delete(instance.id)
    this.refresh()
  }

  /**
   * Recomputes the target assignment when the assignor's inputs have changed since it was last
   * computed (members, their subscribed topics as they resolve now, those topics' partition
   * counts, the assignor), bumping the group epoch. Current ownership feeds the assignor (so
   * sticky keeps partitions where they are) but does not by itself trigger a recomputation.
   */
  refresh(): void {
    const members = [...this.#members.values()]
      .map((member) => ({
        memberId: member.id,
        topics: member.subscription === null ? [] : this.#topics.resolve(member.subscription),
      }))
      .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
    const topics = [...new Set(members.flatMap((member) => member.topics))].sort()
    const partitionCounts = new Map(
      topics.map((topic) => [topic, this.#topics.partitionCount(topic) ?? 0]),
    )
    const assignor = this.assignor
    const inputs = JSON.stringify([assignor, members, [...partitionCounts]])
    if (inputs === this.#inputs) return
    const current = new Map<string, TopicPartition[]>()
    for (const member of members) current.set(member.memberId, [])
    for (const [key, owner] of this.#owners) {
      const held = this.#members.get(owner)?.held.get(key)
      if (held !== undefined) {
        current.get(owner)?.push({ topic: held.topic, partition: held.partition })
      }
    }
    this.#target =
      members.length === 0 ? new Map() : assignors[assignor]({ members, partitionCounts, current })
    // Only once the assignor succeeded: a failure is tried again at the next request.
    this.#inputs = inputs
    this.groupEpoch++
  }

  /** The partitions a member should own now. */
  targetOf(instance: ConsumerInstance): readonly TopicPartition[] {
    return this.#target.get(instance.id) ?? []
  }

  /**
   * A member's reconciliation: it releases the partitions it owns that are not in its target
   * (dropping their positions), then claims the target partitions nobody owns, each starting at
   * the committed offset (null when none). Once it owns exactly its target its member epoch is
   * the group epoch.
   */
  reconcile(instance: ConsumerInstance): void {
    if (!instance.member) return
    const target = this.targetOf(instance)
    const wanted = new Set(target.map(keyOf))
    for (const key of [...instance.held.keys()]) {
      if (wanted.has(key)) continue
      instance.held.delete(key)
      if (this.#owners.get(key) === instance.id) this.#owners.delete(key)
    }
    for (const tp of target) {
      const key = keyOf(tp)
      if (this.#owners.has(key)) continue
      this.#owners.set(key, instance.id)
      instance.held.set(key, this.#fresh(tp))
    }
    if (this.#reconciled(instance)) instance.memberEpoch = this.groupEpoch
  }

  /** Replaces a manual assignment, keeping the positions of partitions assigned before. */
  assign(instance: ConsumerInstance, partitions: readonly TopicPartition[]): void {
    const unique = new Map(partitions.map((tp) => [keyOf(tp), tp]))
    for (const key of [...instance.held.keys()]) if (!unique.has(key)) instance.held.delete(key)
    for (const [key, tp] of unique) {
      if (!instance.held.has(key)) instance.held.set(key, this.#fresh(tp))
    }
    // Assigning nothing ends the manual assignment, as Kafka's assign(empty) does.
    instance.assignment = unique.size === 0 ? null : sortedPartitions(unique.values())
  }

  /** Where a newly held partition starts: its committed offset, or unresolved. */
  #fresh(tp: TopicPartition): HeldPartition {
    const committed = this.committed.get(keyOf(tp))
    return {
      topic: tp.topic,
      partition: tp.partition,
      position: committed?.offset ?? null,
      pending: null,
    }
  }

  #reconciled(instance: ConsumerInstance): boolean {
    const target = this.targetOf(instance)
    return (
      target.length === instance.held.size && target.every((tp) => instance.held.has(keyOf(tp)))
    )
  }

  /**
   * Records commits the log has taken. When `by` committed them, its ack timers follow: a
   * commit at or past the position clears the partition's pending delivery, one past its
   * rewind point moves that point up.
   */
  applyCommits(offsets: readonly CommittedOffset[], by?: ConsumerInstance): void {
    for (const offset of offsets) {
      const key = keyOf(offset)
      this.committed.set(key, {
        topic: offset.topic,
        partition: offset.partition,
        offset: offset.offset,
        metadata: offset.metadata,
      })
      const held = by?.held.get(key)
      if (held?.pending == null) continue
      if (held.position !== null && offset.offset >= held.position) held.pending = null
      else if (offset.offset > held.pending.rewindTo) held.pending.rewindTo = offset.offset
    }
  }

  /** A committed offset read back from the log; a tombstone (null) deletes it. */
  replay(topic: string, partition: number, offset: CommittedOffset | null): void {
    if (offset === null) this.committed.delete(partitionKey(topic, partition))
    else this.applyCommits([offset])
  }

  /**
   * A consumer instance read back from the log, last seen `nowMs`; a tombstone (null) deletes
   * it. Only while the group is replayed, so no instance is a member or holds anything yet: a
   * subscribed one joins at its next poll, a manually assigned one gets its partitions in
   * {@link resume}. A later record of an instance keeps its place in the order of instances,
   * as an update on the coordinator that wrote it did.
   */
  replayInstance(id: string, value: InstanceRecordValue | null, nowMs: number): void {
    if (value === null) {
      this.instances.delete(id)
      return
    }
    const instance = new ConsumerInstance(id, value.config, nowMs)
    instance.subscription = value.subscription
    instance.assignment = value.assignment === null ? null : sortedPartitions(value.assignment)
    this.instances.set(id, instance)
  }

  /**
   * Once the replay has read every commit: each manually assigned instance holds its partitions
   * again, each starting at its committed offset (unresolved when none), so what was delivered
   * and not committed is delivered again.
   */
  resume(): void {
    for (const instance of this.instances.values()) {
      if (instance.assignment !== null) this.assign(instance, instance.assignment)
    }
  }

  /** The committed offsets, sorted; of `partitions` only when given (never-committed ones left out). */
  committedOffsets(partitions?: readonly TopicPartition[] | null): CommittedOffset[] {
    const offsets =
      partitions == null
        ? [...this.committed.values()]
        : [...new Map(partitions.map((tp) => [keyOf(tp), tp])).keys()].flatMap((key) => {
            const offset = this.committed.get(key)
            return offset === undefined ? [] : [offset]
          })
    return offsets.sort(comparePartitions)
  }

  /** EMPTY without members, RECONCILING while some member's owned partitions differ from its target, else STABLE. */
  get state(): GroupState {
    const members = this.#describedMembers()
    if (members.length === 0) return 'EMPTY'
    for (const member of this.#members.values()) {
      if (!this.#reconciled(member)) return 'RECONCILING'
    }
    return 'STABLE'
  }

  listing(): GroupListing {
    return { group: this.id, state: this.state, members: this.#describedMembers().length }
  }

  describe(): GroupDescription {
    return {
      group: this.id,
      state: this.state,
      assignor: this.assignor,
      groupEpoch: this.groupEpoch,
      coordinatorPartition: this.coordinatorPartition,
      members: this.#describedMembers().map(
        (instance): MemberDescription => ({
          instance: instance.id,
          kind: instance.member ? 'subscribed' : 'assigned',
          memberEpoch: instance.memberEpoch,
          assignments: sortedPartitions(instance.held.values()),
          lastSeenMs: instance.lastSeenMs,
          config: instance.config,
        }),
      ),
      offsets: this.committedOffsets(),
    }
  }

  /** Members of the rebalancing and manually assigned instances, by id. */
  #describedMembers(): ConsumerInstance[] {
    return [...this.instances.values()]
      .filter((instance) => instance.member || instance.assignment !== null)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }
}
