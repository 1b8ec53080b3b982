import * as z from 'zod'

/**
 * Cluster metadata as a log of typed records, the counterpart of Kafka's `__cluster_metadata`
 * (KRaft's RegisterBrokerRecord, TopicRecord, PartitionRecord, ConfigRecord, PartitionChangeRecord,
 * FenceBrokerRecord, RemoveTopicRecord …). The active controller appends them; brokers, gateways and
 * standby controllers replay them into a {@link MetadataImage}. Records say what happened, never
 * where they sit: the log gives each its offset.
 *
 * On the log a record is JSON (metadata is small and rare; readability wins over bytes), checked
 * against these schemas when read back, so a damaged or foreign entry is refused, not replayed.
 */

const brokerId = z.number().int().min(0).max(0x7fff_ffff)
const epoch = z.number().int().min(0).max(0x7fff_ffff)
const topicName = z.string().min(1).max(249)
const topicId = z.string().min(1)

export const brokerEndpointSchema = z.strictObject({
  /** What the endpoint serves: `client` (data plane), `internal` (replication), `controller` … */
  name: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
})

export const metadataRecordSchema = z.discriminatedUnion('type', [
  /** The first record of a cluster's log: its id, shown by the REST API as `cluster_id`. */
  z.strictObject({ type: z.literal('cluster'), clusterId: z.string().min(1) }),
  z.strictObject({
    type: z.literal('register-broker'),
    brokerId,
    /** Unique per process start, so a restarted broker is told apart from its old self. */
    incarnationId: z.string().min(1),
    brokerEpoch: z.number().int().min(0),
    endpoints: z.array(brokerEndpointSchema),
    rack: z.string().nullable(),
    fenced: z.boolean(),
  }),
  z.strictObject({ type: z.literal('unregister-broker'), brokerId, brokerEpoch: z.number().int() }),
  z.strictObject({ type: z.literal('fence-broker'), brokerId, brokerEpoch: z.number().int() }),
  z.strictObject({ type: z.literal('unfence-broker'), brokerId, brokerEpoch: z.number().int() }),
  z.strictObject({ type: z.literal('topic'), name: topicName, topicId }),
  z.strictObject({
    type: z.literal('partition'),
    topicId,
    partition: z.number().int().min(0),
    /** Replica brokers in preferred order: the first is the preferred leader. */
    replicas: z.array(brokerId).min(1),
    isr: z.array(brokerId),
    /** -1 when the partition has no leader (offline). */
    leader: z.number().int().min(-1),
    leaderEpoch: epoch,
    partitionEpoch: epoch,
  }),
  /**
   * A change to one partition; absent fields are unchanged. Replay bumps the partition epoch on
   * every change and the leader epoch whenever the leader changes, as Kafka derives them.
   */
  z.strictObject({
    type: z.literal('partition-change'),
    topicId,
    partition: z.number().int().min(0),
    leader: z.number().int().min(-1).optional(),
    isr: z.array(brokerId).optional(),
    replicas: z.array(brokerId).min(1).optional(),
  }),
  /** A config set (value) or removed (null) on a resource; topics are named by topic name. */
  z.strictObject({
    type: z.literal('config'),
    resourceType: z.enum(['topic', 'broker', 'cluster']),
    resourceName: z.string(),
    name: z.string().min(1),
    value: z.string().nullable(),
  }),
  z.strictObject({ type: z.literal('remove-topic'), topicId }),
  /** Written when idle so followers can tell they are caught up (Kafka's NoOpRecord). */
  z.strictObject({ type: z.literal('no-op') }),
])

export type BrokerEndpoint = z.infer<typeof brokerEndpointSchema>
export type MetadataRecord = z.infer<typeof metadataRecordSchema>
export type MetadataRecordType = MetadataRecord['type']

/** One record as it sits on the metadata log. */
export interface MetadataLogEntry {
  /** Position in the log, from 0, without gaps. */
  readonly offset: number
  /** The term of the controller that appended it (see ControllerElection). */
  readonly controllerEpoch: number
  /** Wall-clock time of the append, ms. */
  readonly timestamp: number
  readonly record: MetadataRecord
}
