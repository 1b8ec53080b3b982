import type { Relationship } from './types.ts'

/**
 * The shapes of the consumer answers the CLI reads: REST Proxy v2 consumer instances and v3
 * consumer groups, in the API's own snake_case. Only the fields the CLI uses are declared.
 */

/** A v2 consumer instance: its group and the name the server gave it. */
export interface ConsumerRef {
  readonly group: string
  readonly instance: string
}

/** What `POST /consumers/{group}` takes, in the CLI's words (mapped to the REST Proxy's keys). */
export interface CreateConsumerInput {
  /** The instance's name; absent: the server names it. */
  readonly name?: string
  readonly format: 'binary' | 'json'
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none'
  readonly autoCommit: boolean
  /** The longest one records GET may wait (`consumer.request.timeout.ms`). */
  readonly requestTimeoutMs?: number
}

/** `POST /consumers/{group}` answer. */
export interface CreatedConsumer {
  readonly instance_id: string
  readonly base_uri: string
}

/** An offset to commit, the REST Proxy's way: the offset of the last record processed. */
export interface ConsumedOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/** `GET .../records` query: how long it may wait, and its byte cap. */
export interface ConsumeInput {
  readonly timeoutMs: number
  readonly maxBytes: number
  readonly signal?: AbortSignal
}

/** v3 KafkaConsumerGroup. */
export interface ConsumerGroupData {
  readonly consumer_group_id: string
  readonly is_simple?: boolean
  readonly partition_assignor?: string | null
  readonly state?: string | null
  readonly type?: string | null
}

/** v3 KafkaConsumer. */
export interface ConsumerData {
  readonly consumer_id: string
  readonly instance_id?: string | null
  readonly client_id?: string | null
  readonly assignments?: Relationship | null
}

/** v3 KafkaConsumerAssignment. */
export interface ConsumerAssignmentData {
  readonly consumer_id?: string | null
  readonly topic_name: string
  readonly partition_id: number
}

/** v3 KafkaConsumerLag: the committed offset, the high watermark, and who owns the partition. */
export interface ConsumerLagData {
  readonly topic_name: string
  readonly partition_id: number
  readonly current_offset?: number | null
  readonly log_end_offset?: number | null
  readonly lag?: number | null
  readonly consumer_id?: string | null
  readonly instance_id?: string | null
  readonly client_id?: string | null
}

/** Where `offsets:reset` moves a group's committed offset. */
export type ResetTarget =
  | { readonly to: 'earliest' | 'latest' }
  | { readonly to: 'offset'; readonly offset: number }

/** The `offsets:reset` extension's body: one topic, one partition or all of them. */
export interface ResetOffsetsInput {
  readonly topic: string
  /** Absent: every partition of the topic. */
  readonly partition?: number
  readonly target: ResetTarget
}

/** An item of the `offsets:reset` answer (KafkaConsumerGroupOffsetList). */
export interface GroupOffsetData {
  readonly topic_name: string
  readonly partition_id: number
  readonly offset: number
}
