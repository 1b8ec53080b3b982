import type { MetadataSnapshot } from './image.ts'
import type { MetadataLogEntry, MetadataRecord } from './records.ts'

export interface MetadataAppendOptions {
  /** The appending controller's term. */
  readonly controllerEpoch: number
  /**
   * The offset the log must end at for the append to happen (-1 for an empty log). A controller
   * that was deposed, or that missed another's append, fails this check and appends nothing:
   * the log itself fences it. The failure is a TributaryError with code NOT_CONTROLLER.
   */
  readonly expectedLastOffset: number
}

/** A live subscription; `close` stops delivery. */
export interface MetadataSubscription {
  close(): void
}

/**
 * The metadata log, one totally ordered, durable sequence of {@link MetadataRecord}s. Two
 * implementations sit behind this interface: an embedded SQLite file for combined mode and a
 * JetStream stream for clusters; one contract suite checks both.
 */
export interface MetadataLog {
  /**
   * Appends `records` atomically (all or none) after checking the fence; resolves once they are
   * durable, with the offset of the last one.
   */
  append(records: readonly MetadataRecord[], options: MetadataAppendOptions): Promise<number>
  /** Entries from `fromOffset` on, in order, at most `maxEntries`. */
  read(fromOffset: number, maxEntries?: number): Promise<MetadataLogEntry[]>
  /** The offset of the last entry; -1 while the log is empty. */
  lastOffset(): Promise<number>
  /**
   * Delivers every entry from `fromOffset` on, in order and each once, then new entries as they
   * are appended, until the subscription is closed. `onError` hears failures to read.
   */
  follow(
    fromOffset: number,
    onEntry: (entry: MetadataLogEntry) => void,
    onError?: (error: unknown) => void,
  ): MetadataSubscription
  close(): Promise<void>
}

/**
 * How long a controller lease lasts unless renewed, whatever backs the election; the holder
 * renews every third of it by default.
 */
export const DEFAULT_CONTROLLER_LEASE_MS = 3_000
/** How often a waiting candidate looks at the lease, so a resignation is taken up quickly. */
export const DEFAULT_CANDIDATE_POLL_INTERVAL_MS = 100

/** What a controller holds while it is the active one. */
export interface ControllerLeadership {
  /** This term's number; every record the controller appends carries it. */
  readonly controllerEpoch: number
  /** Resolves when the leadership is lost (lease expired or taken); stop appending then. */
  readonly lost: Promise<void>
  /** Gives the leadership up at once, so a standby can take over without waiting for a lease. */
  resign(): Promise<void>
}

/** Chooses the one active controller among candidates. */
export interface ControllerElection {
  /** Resolves once `candidateId` is the active controller; rejects if the election closes first. */
  campaign(candidateId: string): Promise<ControllerLeadership>
  /** Stops campaigning and gives up any leadership held. */
  close(): Promise<void>
}

/**
 * Where the active controller leaves snapshots of its image, so a new broker, gateway or
 * controller starts from the latest one and replays only the log after it
 * (`MetadataImage.fromSnapshot`, then follow from `snapshot.offset + 1`).
 */
export interface MetadataSnapshotStore {
  /** The latest snapshot saved; undefined when there is none. */
  latest(): Promise<MetadataSnapshot | undefined>
  /** Saves `snapshot` unless a snapshot at the same or a later offset is already there. */
  save(snapshot: MetadataSnapshot): Promise<void>
}
