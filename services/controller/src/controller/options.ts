import type {
  ControllerElection,
  Logger,
  MetadataImage,
  MetadataLog,
  MetadataLogEntry,
  MetadataSnapshotStore,
} from '@tributary/core'

/** How many records the active controller appends between two snapshots of its image. */
export const DEFAULT_SNAPSHOT_INTERVAL_RECORDS = 1_000

/** How often the active controller looks for brokers whose session has run out. */
export const DEFAULT_SESSION_CHECK_INTERVAL_MS = 1_000

export interface ControllerOptions {
  readonly log: MetadataLog
  readonly election: ControllerElection
  /** This candidate's id in the election. */
  readonly nodeId: string
  readonly logger?: Logger
  /** The clock broker sessions are measured on, ms. Default Date.now. */
  readonly now?: () => number
  /** Default the sessions module's DEFAULT_SESSION_TIMEOUT_MS (9 s). */
  readonly sessionTimeoutMs?: number
  /**
   * How often expired sessions are looked for. Default {@link DEFAULT_SESSION_CHECK_INTERVAL_MS};
   * 0 turns the timer off (tests call Controller.fenceExpiredBrokers themselves).
   */
  readonly sessionCheckIntervalMs?: number
  /**
   * The cluster id to write on a new log (a cluster on NATS names everything after it, so it is
   * known before the log is). A log that already names another cluster is refused. Default: a
   * random id, as `kafka-storage random-uuid` makes them.
   */
  readonly clusterId?: string
  /** Where the active controller saves a snapshot of its image every so many records. */
  readonly snapshots?: MetadataSnapshotStore
  /** Default {@link DEFAULT_SNAPSHOT_INTERVAL_RECORDS}. */
  readonly snapshotIntervalRecords?: number
  /** The image to replay from (the latest snapshot); default empty, replaying the whole log. */
  readonly initialImage?: MetadataImage
  /**
   * The cluster's `default.replication.factor` (what a topic created with replication factor -1
   * gets), written to the log when this controller takes up a term and the log says otherwise.
   * Unset: the log's value stays (1 when it has none).
   */
  readonly defaultReplicationFactor?: number
  /**
   * The cluster's `min.insync.replicas` (brokers use it for topics without an override), written
   * like {@link defaultReplicationFactor}. Unset: the log's value stays (1 when it has none).
   */
  readonly minInsyncReplicas?: number
}

/** What `GET /v1/metadata` answers. */
export interface MetadataPage {
  readonly entries: MetadataLogEntry[]
  /** The log's last offset when the page was read; -1 while empty. */
  readonly lastOffset: number
}
