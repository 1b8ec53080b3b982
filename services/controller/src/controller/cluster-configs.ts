import { ErrorCode, type MetadataImage, type MetadataRecord, TributaryError } from '@tributary/core'

/**
 * Cluster-wide defaults the controller is started with (`--default-replication-factor`,
 * `--min-insync-replicas`), kept in the metadata log as `config` records on the cluster, so
 * gateways, brokers and standby controllers read the same values from their images. Kafka keeps
 * them as static broker configs; here the controller is the one place they are set.
 */

/** Kafka's name: the replication factor of a topic created without one (or with -1). */
export const DEFAULT_REPLICATION_FACTOR_CONFIG = 'default.replication.factor'
/** Kafka's name: the ISR size acks=all produce needs, unless the topic overrides it. */
export const MIN_INSYNC_REPLICAS_CONFIG = 'min.insync.replicas'

/** The replication factor used when the cluster has none configured, as in Kafka. */
export const FALLBACK_REPLICATION_FACTOR = 1

/** What a CreateTopic request sends to ask for the cluster's default (Kafka's -1). */
export const USE_DEFAULT_REPLICATION_FACTOR = -1

/** Kafka's replication factor is an int16. */
const MAX_REPLICATION_FACTOR = 32_767

export interface ClusterDefaults {
  /** Unset: whatever the log holds stays. */
  readonly defaultReplicationFactor?: number
  readonly minInsyncReplicas?: number
}

/** INVALID_CONFIG unless every default given is a positive integer (a replication factor an int16). */
export function checkClusterDefaults(defaults: ClusterDefaults): void {
  const check = (name: string, value: number | undefined, max: number) => {
    if (value === undefined || (Number.isInteger(value) && value >= 1 && value <= max)) return
    throw new TributaryError(
      ErrorCode.InvalidConfig,
      `${name} must be an integer from 1 to ${max}, not ${value}`,
    )
  }
  check(
    DEFAULT_REPLICATION_FACTOR_CONFIG,
    defaults.defaultReplicationFactor,
    MAX_REPLICATION_FACTOR,
  )
  check(MIN_INSYNC_REPLICAS_CONFIG, defaults.minInsyncReplicas, Number.MAX_SAFE_INTEGER)
}

/**
 * The cluster config records that bring the image's configs to `defaults`: one per default that
 * is given and differs, none when all match, so a controller taking up a term appends nothing on
 * a cluster already configured alike. Pure.
 */
export function planClusterDefaults(
  image: MetadataImage,
  defaults: ClusterDefaults,
): MetadataRecord[] {
  const wanted: [string, number | undefined][] = [
    [DEFAULT_REPLICATION_FACTOR_CONFIG, defaults.defaultReplicationFactor],
    [MIN_INSYNC_REPLICAS_CONFIG, defaults.minInsyncReplicas],
  ]
  const records: MetadataRecord[] = []
  for (const [name, value] of wanted) {
    if (value === undefined || image.clusterConfigs[name] === String(value)) continue
    // Kafka names the cluster-wide resource with the empty string; the image keeps one set.
    records.push({
      type: 'config',
      resourceType: 'cluster',
      resourceName: '',
      name,
      value: String(value),
    })
  }
  return records
}

/**
 * The replication factor a topic gets: the one asked for, or for -1 the cluster's
 * `default.replication.factor` (1 when unset or unreadable).
 */
export function resolveReplicationFactor(image: MetadataImage, requested: number): number {
  if (requested !== USE_DEFAULT_REPLICATION_FACTOR) return requested
  const configured = Number(image.clusterConfigs[DEFAULT_REPLICATION_FACTOR_CONFIG])
  return Number.isInteger(configured) && configured >= 1 ? configured : FALLBACK_REPLICATION_FACTOR
}
