import {
  type AlterPartitionResult,
  type alterPartitionRequestSchema,
  ErrorCode,
  type MetadataImage,
  type PartitionState,
  TributaryError,
} from '@tributary/core'
import type * as z from 'zod'
import { requireRegistration } from './brokers.ts'
import type { PartitionChangeRecord } from './leadership.ts'

/**
 * Kafka's AlterPartition (KIP-497) as a pure plan over the image: a partition's leader asks to
 * shrink or expand its ISR, naming the epochs it saw. The checks run in the order of KRaft's
 * ReplicationControlManager, so a leader acting on a stale view learns which part is stale: its
 * registration (STALE_BROKER_EPOCH), its leadership (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH)
 * or only the ISR it started from (INVALID_UPDATE_VERSION).
 */

export type AlterPartitionCommand = z.output<typeof alterPartitionRequestSchema>

export interface AlterPartitionPlan {
  /** The change to append; undefined when the ISR asked for is the current one. */
  readonly change: PartitionChangeRecord | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export function planAlterPartition(
  image: MetadataImage,
  request: AlterPartitionCommand,
): AlterPartitionPlan {
  const { brokerId, topicId, partition } = request
  requireRegistration(image, brokerId, request.brokerEpoch)
  const current = requirePartition(image, topicId, partition)
  const where = `${image.topicById(topicId)?.name ?? topicId}-${partition}`
  // Epochs the log never reached mean the leader saw a log this controller has not: another
  // controller wrote it, so this one is deposed and the broker should ask the active one.
  if (
    request.leaderEpoch > current.leaderEpoch ||
    request.partitionEpoch > current.partitionEpoch
  ) {
    throw new TributaryError(
      ErrorCode.NotController,
      `The request for ${where} names epochs (leader ${request.leaderEpoch}, partition ${request.partitionEpoch}) newer than this controller knows (leader ${current.leaderEpoch}, partition ${current.partitionEpoch})`,
      { retriable: true },
    )
  }
  if (brokerId !== current.leader) {
    const leader = current.leader === -1 ? 'it has no leader' : `its leader is ${current.leader}`
    throw new TributaryError(
      ErrorCode.NotLeaderOrFollower,
      `Broker ${brokerId} is not the leader of ${where}: ${leader}`,
    )
  }
  if (request.leaderEpoch !== current.leaderEpoch) {
    throw new TributaryError(
      ErrorCode.FencedLeaderEpoch,
      `Leader epoch ${request.leaderEpoch} of ${where} is fenced: the current one is ${current.leaderEpoch}`,
    )
  }
  if (request.partitionEpoch !== current.partitionEpoch) {
    throw new TributaryError(
      ErrorCode.InvalidUpdateVersion,
      `Partition epoch ${request.partitionEpoch} of ${where} is not the current one, ${current.partitionEpoch}`,
    )
  }
  const isr = requireValidIsr(current, request.isr, where)
  requireEligible(image, current, isr, where)
  if (sameMembers(isr, current.isr)) return { change: undefined }

  const change: Mutable<PartitionChangeRecord> = {
    type: 'partition-change',
    topicId,
    partition,
    isr,
  }
  // The preferred leader comes back as soon as it is in sync again (Kafka leaves this to its
  // periodic preferred-leader election; doing it here needs no timer and no second change).
  const preferred = current.replicas[0]
  if (
    preferred !== undefined &&
    preferred !== current.leader &&
    isr.includes(preferred) &&
    image.broker(preferred)?.fenced === false
  ) {
    change.leader = preferred
  }
  return { change }
}

/** The partition's state as AlterPartition answers it, at `metadataOffset`. */
export function alterPartitionResult(
  state: PartitionState,
  metadataOffset: number,
): AlterPartitionResult {
  return {
    leader: state.leader,
    leaderEpoch: state.leaderEpoch,
    partitionEpoch: state.partitionEpoch,
    isr: [...state.isr],
    metadataOffset,
  }
}

/** The partition `partition` of the topic with id `topicId`; UNKNOWN_TOPIC_OR_PARTITION if none. */
export function requirePartition(
  image: MetadataImage,
  topicId: string,
  partition: number,
): PartitionState {
  const topic = image.topicById(topicId)
  if (topic === undefined) {
    throw new TributaryError(
      ErrorCode.UnknownTopicOrPartition,
      `No topic with id ${topicId} exists.`,
    )
  }
  const state = topic.partitions[partition]
  if (state === undefined) {
    throw new TributaryError(
      ErrorCode.UnknownTopicOrPartition,
      `Topic '${topic.name}' has no partition ${partition}.`,
    )
  }
  return state
}

/**
 * The ISR asked for, in the partition's replica order (so equal sets compare equal and the image
 * shows one order); INVALID_REQUEST for duplicates, members that are not replicas, or an ISR
 * without the leader, as Kafka's `validateIsr` and leader check refuse them.
 */
function requireValidIsr(current: PartitionState, wanted: readonly number[], where: string) {
  const members = new Set(wanted)
  if (members.size !== wanted.length) {
    throw new TributaryError(
      ErrorCode.InvalidRequest,
      `The ISR [${wanted.join(', ')}] asked for ${where} names a broker twice`,
    )
  }
  const strangers = wanted.filter((id) => !current.replicas.includes(id))
  if (strangers.length > 0) {
    throw new TributaryError(
      ErrorCode.InvalidRequest,
      `The ISR asked for ${where} names brokers that are not its replicas: ${strangers.join(', ')} (replicas ${current.replicas.join(', ')})`,
    )
  }
  if (!members.has(current.leader)) {
    throw new TributaryError(
      ErrorCode.InvalidRequest,
      `The ISR [${wanted.join(', ')}] asked for ${where} does not contain its leader ${current.leader}`,
    )
  }
  return current.replicas.filter((id) => members.has(id))
}

/**
 * INELIGIBLE_REPLICA unless every broker the change adds is registered and unfenced: a fenced
 * broker in the ISR could be elected leader while it serves nothing. Members already in the ISR
 * may stay; removing them is what the leader's shrink, or fencing, is for.
 */
function requireEligible(
  image: MetadataImage,
  current: PartitionState,
  isr: readonly number[],
  where: string,
): void {
  const ineligible = isr.filter(
    (id) => !current.isr.includes(id) && image.broker(id)?.fenced !== false,
  )
  if (ineligible.length > 0) {
    throw new TributaryError(
      ErrorCode.IneligibleReplica,
      `Brokers ${ineligible.join(', ')} cannot join the ISR of ${where}: they are fenced or not registered`,
    )
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id))
}
