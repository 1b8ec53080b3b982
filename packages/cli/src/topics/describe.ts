import type {
  PartitionData,
  ReplicaData,
  TopicConfigData,
  TopicData,
  V2PartitionData,
} from '../rest/index.ts'

/**
 * `topics --describe` as kafka-topics.sh prints it: a topic line, then one indented line per
 * partition with its leader, replicas and in-sync replicas. Pure: the command gathers the
 * REST answers, these functions shape and print them.
 */

export interface PartitionDescription {
  readonly partition: number
  /** null when the partition has no leader (offline). */
  readonly leader: number | null
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
}

export interface TopicDescription {
  readonly name: string
  readonly partitionCount: number
  readonly replicationFactor: number
  /** Overrides only (non-default values), as kafka-topics.sh shows them. */
  readonly configs: readonly (readonly [string, string])[]
  readonly partitions: readonly PartitionDescription[]
}

/** The broker id at the end of a v3 leader link (`.../partitions/0/replicas/3`). */
export const leaderFromLink = (related: string | undefined | null): number | null => {
  const match = related ? /\/replicas\/(\d+)\/?$/.exec(related) : null
  return match ? Number(match[1]) : null
}

/** A partition from v3: the partition's leader link and its replicas list, when known. */
export const partitionFromV3 = (
  partition: PartitionData,
  replicas: readonly ReplicaData[] | undefined,
): PartitionDescription => {
  const leaderReplica = replicas?.find((replica) => replica.is_leader)
  return {
    partition: partition.partition_id,
    leader: leaderReplica?.broker_id ?? leaderFromLink(partition.leader?.related),
    replicas: (replicas ?? []).map((replica) => replica.broker_id),
    isr: (replicas ?? []).filter((replica) => replica.is_in_sync).map((r) => r.broker_id),
  }
}

export const partitionFromV2 = (partition: V2PartitionData): PartitionDescription => ({
  partition: partition.partition,
  leader: partition.leader >= 0 ? partition.leader : null,
  replicas: partition.replicas.map((replica) => replica.broker),
  isr: partition.replicas.filter((replica) => replica.in_sync).map((r) => r.broker),
})

/** A config is shown when it is not the default: a topic override. */
export const overridesOf = (configs: readonly TopicConfigData[]): [string, string][] =>
  configs
    .filter((config) =>
      config.is_default === undefined
        ? config.source === 'DYNAMIC_TOPIC_CONFIG'
        : !config.is_default,
    )
    .map((config): [string, string] => [config.name, config.value ?? 'null'])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

export const describeTopic = (
  topic: TopicData,
  partitions: readonly PartitionDescription[],
  configs: readonly TopicConfigData[],
): TopicDescription => ({
  name: topic.topic_name,
  partitionCount: topic.partitions_count,
  replicationFactor: topic.replication_factor,
  configs: overridesOf(configs),
  partitions: [...partitions].sort((a, b) => a.partition - b.partition),
})

export const formatDescription = (topic: TopicDescription): string => {
  const configs = topic.configs.map(([name, value]) => `${name}=${value}`).join(',')
  const lines = [
    `Topic: ${topic.name}\tPartitionCount: ${topic.partitionCount}\t` +
      `ReplicationFactor: ${topic.replicationFactor}\tConfigs: ${configs}`,
  ]
  for (const p of topic.partitions) {
    lines.push(
      `\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\t` +
        `Replicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`,
    )
  }
  return `${lines.join('\n')}\n`
}
