/**
 * The shapes of the REST Proxy answers the CLI reads, in the API's own snake_case. Only the
 * fields the CLI uses are declared; the server may send more.
 */

/** v3 `{related: url}`: a link to another resource. */
export interface Relationship {
  readonly related: string
}

export interface ClusterData {
  readonly cluster_id: string
}

export interface TopicData {
  readonly topic_name: string
  readonly is_internal?: boolean
  readonly replication_factor: number
  readonly partitions_count: number
}

export interface PartitionData {
  readonly partition_id: number
  /** Links to `.../partitions/{p}/replicas/{broker_id}`; null or absent when offline. */
  readonly leader?: Relationship | null
}

export interface ReplicaData {
  readonly broker_id: number
  readonly is_leader: boolean
  readonly is_in_sync: boolean
}

export interface TopicConfigData {
  readonly name: string
  readonly value: string | null
  readonly is_default?: boolean
  readonly source?: string
}

export interface TopicConfig {
  readonly name: string
  readonly value: string
}

export interface CreateTopicInput {
  readonly name: string
  readonly partitionsCount?: number
  readonly replicationFactor?: number
  readonly configs?: readonly TopicConfig[]
}

/** v2 `GET /topics/{t}/partitions` item. */
export interface V2PartitionData {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly {
    readonly broker: number
    readonly leader: boolean
    readonly in_sync: boolean
  }[]
}

/** v2 `GET /topics/{t}/partitions/{p}/offsets`. */
export interface PartitionOffsets {
  readonly beginning_offset: number
  readonly end_offset: number
}

/** A record for v2 binary produce: key and value are base64, null or absent for none. */
export interface BinaryProduceRecord {
  readonly key?: string | null
  readonly value: string | null
  readonly partition?: number
}

/** One delivery report of a v2 produce, in request order. */
export interface ProduceOffset {
  readonly partition: number | null
  readonly offset: number | null
  readonly error_code: number | null
  readonly error: string | null
}

/** A header of a read record: the name (`key` in some dialects) and a base64 value. */
export interface RecordHeader {
  readonly name?: string
  readonly key?: string
  readonly value: string | null
}

/** One record of the stateless partition read, binary embedded format. */
export interface ConsumedRecord {
  readonly topic: string
  readonly key: string | null
  readonly value: string | null
  readonly partition: number
  readonly offset: number
  /** Milliseconds since the epoch, or an RFC 3339 string. */
  readonly timestamp?: number | string | null
  readonly timestamp_type?: string | null
  readonly headers?: readonly RecordHeader[] | null
}

export interface ReadPartitionInput {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly maxBytes: number
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}
