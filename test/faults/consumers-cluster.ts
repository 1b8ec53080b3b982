/**
 * What the consumer-group fault scenario asks of the cluster through the gateway's public v3
 * API, as an operator would: the broker that coordinates its group (the leader of the group's
 * `__consumer_offsets` partition, located as Kafka locates it), and the group's committed
 * offsets and the partitions' high watermarks.
 */
import { coordinatorPartition, OFFSETS_TOPIC } from '@tributary/core'
import { call } from '../harness/rest.ts'

/** A bound on one admin call, so a call to a cluster in trouble fails instead of hanging. */
const ADMIN_CALL_TIMEOUT_MS = 15_000

/** A gateway and the v3 cluster it serves. */
export interface ClusterApi {
  readonly gateway: string
  readonly clusterId: string
}

const v3 = (api: ClusterApi, path: string) => `${api.gateway}/v3/clusters/${api.clusterId}${path}`

/** Where a group's coordinator is: its `__consumer_offsets` partition, that partition's leader. */
export interface GroupCoordinator {
  readonly partition: number
  /** The leading broker's id; null while the partition has no leader. */
  readonly leader: number | null
  /** The replication factor of `__consumer_offsets`. */
  readonly replicationFactor: number
}

/**
 * The group's coordinator as the cluster reports it now: the partition Kafka's hash picks among
 * `__consumer_offsets`'s partitions (core's coordinatorPartition), and that partition's leader.
 * The topic exists once any group call has been made.
 */
export async function coordinatorOf(api: ClusterApi, group: string): Promise<GroupCoordinator> {
  const topic = await call(v3(api, `/topics/${OFFSETS_TOPIC}`), {
    signal: AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS),
  })
  if (topic.status !== 200) {
    throw new Error(`${OFFSETS_TOPIC}: ${topic.status} ${JSON.stringify(topic.body)}`)
  }
  const partition = coordinatorPartition(group, topic.body.partitions_count as number)
  const reply = await call(v3(api, `/topics/${OFFSETS_TOPIC}/partitions/${partition}`), {
    signal: AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS),
  })
  if (reply.status !== 200) {
    throw new Error(`${OFFSETS_TOPIC}-${partition}: ${reply.status} ${JSON.stringify(reply.body)}`)
  }
  const related = (reply.body.leader as { related: string } | null)?.related
  const id = related === undefined ? null : /\/(\d+)$/.exec(related)?.[1]
  return {
    partition,
    leader: id == null ? null : Number(id),
    replicationFactor: topic.body.replication_factor as number,
  }
}

/** One partition's line of the group's v3 lags. */
export interface PartitionLag {
  readonly partition: number
  /** The committed offset; null while the group has committed none there. */
  readonly committed: number | null
  /** The high watermark. */
  readonly logEnd: number
}

/** The group's lags (v3), or undefined when the gateway does not answer 200 (no group yet, a coordinator moving). */
export async function lagsOf(
  api: ClusterApi,
  group: string,
  topic: string,
): Promise<PartitionLag[] | undefined> {
  const reply = await call(v3(api, `/consumer-groups/${group}/lags`), {
    signal: AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS),
  })
  if (reply.status !== 200) return undefined
  const data = reply.body.data as {
    topic_name: string
    partition_id: number
    current_offset: number | null
    log_end_offset: number
  }[]
  return data
    .filter((lag) => lag.topic_name === topic)
    .map((lag) => ({
      partition: lag.partition_id,
      committed: lag.current_offset,
      logEnd: lag.log_end_offset,
    }))
}
