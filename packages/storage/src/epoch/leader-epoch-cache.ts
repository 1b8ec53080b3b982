/**
 * The leader-epoch history of a partition: for each leader epoch, the first offset written in it
 * (Kafka's `leader-epoch-checkpoint`, KIP-101). Entries rise in both epoch and start offset.
 * Pure and in memory; the log persists the entries inside its segment files and rebuilds this
 * cache from them on open.
 */
export interface EpochEntry {
  readonly epoch: number
  readonly startOffset: number
}

/** The answer to OffsetsForLeaderEpoch; -1/-1 when the epoch is unknown. */
export interface EpochEndOffset {
  readonly epoch: number
  readonly endOffset: number
}

export const UNDEFINED_EPOCH = -1
export const UNDEFINED_EPOCH_OFFSET = -1

export class LeaderEpochCache {
  #entries: EpochEntry[] = []

  /**
   * Rebuilds a cache from entries in any order (e.g. each segment's own list, where a segment
   * also repeats the epoch of its first batch): sorted by start offset and folded with the
   * {@link assign} rule, so repeats and stale epochs drop out.
   */
  static fromEntries(entries: readonly EpochEntry[]): LeaderEpochCache {
    const cache = new LeaderEpochCache()
    const sorted = [...entries].sort((a, b) => a.startOffset - b.startOffset || a.epoch - b.epoch)
    for (const entry of sorted) cache.assign(entry.epoch, entry.startOffset)
    return cache
  }

  get entries(): readonly EpochEntry[] {
    return this.#entries
  }

  /** The latest epoch, or -1 when there is none. */
  get latestEpoch(): number {
    return this.#entries.at(-1)?.epoch ?? UNDEFINED_EPOCH
  }

  /**
   * Records that `epoch` starts at `startOffset`, if it is newer than the latest epoch (an older
   * or equal epoch changes nothing, as in Kafka). Entries at or past `startOffset` are dropped
   * first, so the history stays monotonic. Returns whether an entry was added.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || epoch <= this.latestEpoch) return false
    this.#entries = this.#entries.filter((entry) => entry.startOffset < startOffset)
    this.#entries.push({ epoch, startOffset })
    return true
  }

  /**
   * OffsetsForLeaderEpoch: where `epoch` ends in this log.
   * - `epoch` is the latest epoch: it has not ended, so the log end offset;
   * - otherwise the start offset of the first epoch above it, paired with the largest known
   *   epoch ≤ `epoch` (a follower that asks with an epoch this leader never had learns which
   *   epoch its divergence point belongs to);
   * - `epoch` is below every known epoch (its history was deleted or never held here): the
   *   requested epoch with the start offset of the first known epoch, as Kafka answers, so a
   *   follower still learns where to truncate;
   * - unknown epochs (above the latest, or undefined) → `{ epoch: -1, endOffset: -1 }`.
   */
  endOffsetFor(epoch: number, logEndOffset: number): EpochEndOffset {
    const unknown = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
    if (epoch === UNDEFINED_EPOCH || this.#entries.length === 0) return unknown
    if (epoch === this.latestEpoch) return { epoch, endOffset: logEndOffset }
    const higher = this.#entries.findIndex((entry) => entry.epoch > epoch)
    if (higher < 0) return unknown
    const next = (this.#entries[higher] as EpochEntry).startOffset
    if (higher === 0) return { epoch, endOffset: next }
    const floor = this.#entries[higher - 1] as EpochEntry
    return { epoch: floor.epoch, endOffset: next }
  }

  /** After truncating the log to end at `endOffset`: entries starting at or past it go. */
  truncateFromEnd(endOffset: number): void {
    this.#entries = this.#entries.filter((entry) => entry.startOffset < endOffset)
  }

  /**
   * After the log start moved to `startOffset`: entries starting at or before it go, except the
   * last of them, which now starts at `startOffset` (its epoch still covers that offset).
   */
  truncateFromStart(startOffset: number): void {
    const kept = this.#entries.filter((entry) => entry.startOffset > startOffset)
    const covering = this.#entries.findLast((entry) => entry.startOffset <= startOffset)
    this.#entries =
      covering === undefined ? kept : [{ epoch: covering.epoch, startOffset }, ...kept]
  }
}
