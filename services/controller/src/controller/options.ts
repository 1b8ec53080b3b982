import type { ControllerElection, Logger, MetadataLog, MetadataLogEntry } from '@tributary/core'

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
}

/** What `GET /v1/metadata` answers. */
export interface MetadataPage {
  readonly entries: MetadataLogEntry[]
  /** The log's last offset when the page was read; -1 while empty. */
  readonly lastOffset: number
}
