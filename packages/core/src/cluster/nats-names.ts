/**
 * Every NATS name a cluster uses, built from its cluster id and nowhere else, so two clusters
 * can share one NATS deployment without seeing each other's subjects, streams or buckets.
 *
 * A cluster id is 1 to 64 characters from `[A-Za-z0-9_-]` (Kafka's cluster ids are 22 such
 * characters): that set is legal in subjects, stream names and bucket names alike, so names
 * need no escaping.
 */
import { ErrorCode, TributaryError } from '../errors/index.ts'

const CLUSTER_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Throws INVALID_CONFIG unless `clusterId` can namespace NATS names. */
export function checkClusterId(clusterId: string): string {
  if (!CLUSTER_ID.test(clusterId)) {
    throw new TributaryError(
      ErrorCode.InvalidConfig,
      `cluster id '${clusterId}' must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'`,
    )
  }
  return clusterId
}

/** The controller operations served over NATS request/reply, one subject each. */
export type ControllerOperation =
  | 'createTopic'
  | 'deleteTopic'
  | 'createPartitions'
  | 'alterTopicConfigs'
  | 'registerBroker'
  | 'brokerHeartbeat'
  | 'alterPartition'

/** The NATS names of one cluster. */
export interface NatsNames {
  readonly clusterId: string
  /** The JetStream stream holding the metadata log. */
  readonly metadataStream: string
  /** The one subject of that stream. */
  readonly metadataSubject: string
  /** The key-value bucket holding the controller lease. */
  readonly controllerBucket: string
  /** The lease's key in that bucket. */
  readonly controllerLeaseKey: string
  /** The object store (or bucket) holding metadata snapshots. */
  readonly snapshotBucket: string
  /** The subject the active controller answers `operation` on (only it subscribes). */
  controllerSubject(operation: ControllerOperation): string
  /** Every controller subject, for a subscription with a wildcard. */
  readonly controllerSubjects: string
}

/** The names of cluster `clusterId` (checked with {@link checkClusterId}). */
export function natsNames(clusterId: string): NatsNames {
  const id = checkClusterId(clusterId)
  return {
    clusterId: id,
    metadataStream: `TRIBUTARY_${id}_METADATA`,
    metadataSubject: `tributary.${id}.metadata`,
    controllerBucket: `tributary_${id}_controller`,
    controllerLeaseKey: 'lease',
    snapshotBucket: `tributary_${id}_snapshots`,
    controllerSubject: (operation) => `tributary.${id}.controller.${operation}`,
    controllerSubjects: `tributary.${id}.controller.*`,
  }
}
