import { ErrorCode, MetadataImage, type MetadataRecord } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import type { AlterPartitionCommand } from '../src/controller/isr.ts'
import { alterPartitionResult, planAlterPartition } from '../src/controller/isr.ts'

/**
 * planAlterPartition on images built from records, no log: which change each ISR request makes,
 * and which error each stale or malformed one gets, in Kafka's order.
 */

const TOPIC_ID = 'topic-t'
/** Each broker's epoch in these images. */
const EPOCH = 10

function imageOf(records: MetadataRecord[]): MetadataImage {
  const image = new MetadataImage()
  records.forEach((record, offset) => {
    image.apply({ offset, controllerEpoch: 1, timestamp: 0, record })
  })
  return image
}

const broker = (brokerId: number, fenced = false): MetadataRecord => ({
  type: 'register-broker',
  brokerId,
  incarnationId: `i-${brokerId}`,
  brokerEpoch: EPOCH,
  endpoints: [],
  rack: null,
  fenced,
})

/** Brokers 1-3 unfenced unless `fenced` says, topic `t` with partition 0 on replicas 1, 2, 3. */
function cluster(options: { fenced?: number[]; changes?: MetadataRecord[] } = {}) {
  return imageOf([
    { type: 'cluster', clusterId: 'c' },
    ...[1, 2, 3].map((id) => broker(id, options.fenced?.includes(id))),
    { type: 'topic', name: 't', topicId: TOPIC_ID },
    {
      type: 'partition',
      topicId: TOPIC_ID,
      partition: 0,
      replicas: [1, 2, 3],
      isr: [1, 2, 3],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
    },
    ...(options.changes ?? []),
  ])
}

const change = (fields: { leader?: number; isr?: number[] }): MetadataRecord => ({
  type: 'partition-change',
  topicId: TOPIC_ID,
  partition: 0,
  ...fields,
})

function request(fields: Partial<AlterPartitionCommand> = {}): AlterPartitionCommand {
  return {
    brokerId: 1,
    brokerEpoch: EPOCH,
    topicId: TOPIC_ID,
    partition: 0,
    leaderEpoch: 0,
    partitionEpoch: 0,
    isr: [1, 2, 3],
    ...fields,
  }
}

function refusal(image: MetadataImage, command: AlterPartitionCommand) {
  try {
    planAlterPartition(image, command)
  } catch (error) {
    return error as { code: string; message: string; retriable: boolean }
  }
  return expect.unreachable('expected a refusal')
}

describe('planAlterPartition', () => {
  it('shrinks and expands the ISR with one change, kept in replica order', () => {
    const image = cluster()
    expect(planAlterPartition(image, request({ isr: [1, 3] }))).toEqual({
      change: change({ isr: [1, 3] }),
    })
    const shrunk = cluster({ changes: [change({ isr: [1] })] })
    expect(
      planAlterPartition(shrunk, request({ partitionEpoch: 1, isr: [3, 1, 2] })).change,
    ).toEqual(change({ isr: [1, 2, 3] }))
  })

  it('changes nothing when the ISR asked for is the current one, in any order', () => {
    expect(planAlterPartition(cluster(), request({ isr: [3, 1, 2] }))).toEqual({
      change: undefined,
    })
  })

  it('moves leadership back to the preferred replica when it rejoins, unfenced', () => {
    // Broker 1 went away: broker 2 leads (leader epoch 1), the ISR is 2, 3 (partition epoch 2).
    const moved = [change({ leader: 2, isr: [2, 3] }), change({ isr: [2, 3] })]
    const image = cluster({ changes: moved })
    const rejoin = request({ brokerId: 2, leaderEpoch: 1, partitionEpoch: 2, isr: [2, 3, 1] })
    expect(planAlterPartition(image, rejoin).change).toEqual(change({ isr: [1, 2, 3], leader: 1 }))
    // Without the preferred replica in the new ISR, leadership stays.
    const shrink = request({ brokerId: 2, leaderEpoch: 1, partitionEpoch: 2, isr: [2] })
    expect(planAlterPartition(image, shrink).change).toEqual(change({ isr: [2] }))

    // The preferred replica in the ISR without leading (leadership moved while it stayed in
    // sync): any ISR change that keeps it hands leadership back.
    const kept = cluster({ changes: [change({ leader: 2 })] })
    const other = request({ brokerId: 2, leaderEpoch: 1, partitionEpoch: 1, isr: [1, 2] })
    expect(planAlterPartition(kept, other).change).toEqual(change({ isr: [1, 2], leader: 1 }))
  })

  it('does not make a fenced preferred replica leader, even when it stays in the ISR', () => {
    const image = cluster({ fenced: [1], changes: [change({ leader: 2 })] })
    const shrink = request({ brokerId: 2, leaderEpoch: 1, partitionEpoch: 1, isr: [1, 2] })
    expect(planAlterPartition(image, shrink).change).toEqual(change({ isr: [1, 2] }))
  })

  it('refuses a broker whose registration is not current: STALE_BROKER_EPOCH', () => {
    const image = cluster()
    expect(refusal(image, request({ brokerEpoch: EPOCH - 1 })).code).toBe(
      ErrorCode.StaleBrokerEpoch,
    )
    expect(refusal(image, request({ brokerId: 9, isr: [9] })).code).toBe(ErrorCode.StaleBrokerEpoch)
  })

  it('refuses an unknown topic id or partition: UNKNOWN_TOPIC_OR_PARTITION', () => {
    const image = cluster()
    expect(refusal(image, request({ topicId: 'nope' })).code).toBe(
      ErrorCode.UnknownTopicOrPartition,
    )
    const noPartition = refusal(image, request({ partition: 1 }))
    expect(noPartition).toMatchObject({
      code: ErrorCode.UnknownTopicOrPartition,
      message: expect.stringMatching(/'t' has no partition 1/),
    })
  })

  it('refuses epochs newer than the image: NOT_CONTROLLER, retriable', () => {
    const image = cluster()
    for (const fields of [{ leaderEpoch: 1 }, { partitionEpoch: 1 }]) {
      expect(refusal(image, request(fields))).toMatchObject({
        code: ErrorCode.NotController,
        retriable: true,
      })
    }
  })

  it('refuses a broker that is not the leader: NOT_LEADER_OR_FOLLOWER, before any epoch check', () => {
    const image = cluster({ changes: [change({ leader: 2 })] })
    // Broker 1 led at leader epoch 0; broker 2 leads since epoch 1.
    expect(refusal(image, request({ isr: [1, 2] }))).toMatchObject({
      code: ErrorCode.NotLeaderOrFollower,
      message: expect.stringMatching(/its leader is 2/),
    })
    const offline = cluster({ changes: [change({ leader: -1 })] })
    expect(refusal(offline, request({ leaderEpoch: 1, partitionEpoch: 1 }))).toMatchObject({
      code: ErrorCode.NotLeaderOrFollower,
      message: expect.stringMatching(/no leader/),
    })
  })

  it('refuses a stale leader epoch (FENCED_LEADER_EPOCH) before a stale partition epoch', () => {
    // Leadership left broker 1 and came back: leader epoch 2, partition epoch 2.
    const image = cluster({ changes: [change({ leader: 2 }), change({ leader: 1 })] })
    expect(refusal(image, request({ leaderEpoch: 1, partitionEpoch: 1 })).code).toBe(
      ErrorCode.FencedLeaderEpoch,
    )
    expect(refusal(image, request({ leaderEpoch: 2, partitionEpoch: 1 })).code).toBe(
      ErrorCode.InvalidUpdateVersion,
    )
    expect(
      planAlterPartition(image, request({ leaderEpoch: 2, partitionEpoch: 2, isr: [1] })),
    ).toEqual({ change: change({ isr: [1] }) })
  })

  it('refuses an ISR with a duplicate, a stranger, or without the leader: INVALID_REQUEST', () => {
    const image = cluster()
    const cases: [number[], RegExp][] = [
      [[1, 2, 2], /names a broker twice/],
      [[1, 4], /not its replicas: 4/],
      [[2, 3], /does not contain its leader 1/],
    ]
    for (const [isr, message] of cases) {
      expect(refusal(image, request({ isr }))).toMatchObject({
        code: ErrorCode.InvalidRequest,
        message: expect.stringMatching(message),
      })
    }
  })

  it('refuses to add a fenced or unregistered broker (INELIGIBLE_REPLICA); one already in may stay', () => {
    const shrunk = (fenced: number[], more: MetadataRecord[] = []) =>
      cluster({ fenced, changes: [change({ isr: [1] }), ...more] })
    const expand = request({ partitionEpoch: 1, isr: [1, 2] })
    expect(refusal(shrunk([2]), expand)).toMatchObject({
      code: ErrorCode.IneligibleReplica,
      message: expect.stringMatching(/Brokers 2 cannot join/),
    })
    const gone = shrunk([], [{ type: 'unregister-broker', brokerId: 2, brokerEpoch: EPOCH }])
    expect(refusal(gone, expand).code).toBe(ErrorCode.IneligibleReplica)
    expect(planAlterPartition(shrunk([3]), expand).change).toEqual(change({ isr: [1, 2] }))

    // Fenced broker 3 is still in the ISR: shrinking broker 2 out keeps it without a check.
    const image = cluster({ fenced: [3] })
    expect(planAlterPartition(image, request({ isr: [1, 3] })).change).toEqual(
      change({ isr: [1, 3] }),
    )
  })
})

describe('alterPartitionResult', () => {
  it('answers the partition state with the metadata offset', () => {
    const image = cluster({ changes: [change({ isr: [1, 2] })] })
    const state = image.topicById(TOPIC_ID)?.partitions[0]
    if (state === undefined) throw new Error('no partition')
    expect(alterPartitionResult(state, 42)).toEqual({
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 1,
      isr: [1, 2],
      metadataOffset: 42,
    })
  })
})
