import {
  ErrorCode,
  type Logger,
  OffsetOutOfRangeError,
  StorageError,
  silentLogger,
  TributaryError,
} from '@tributary/core'
import type { PartitionStateFile } from '../checkpoint/index.ts'
import type { EpochEndOffset, EpochEntry, LeaderEpochCache } from '../epoch/index.ts'
import type { SegmentSummary } from '../segment/index.ts'
import { checkFollowerBatches, checkLeaderBatch } from './batch-check.ts'
import { type LogConfig, resolveLogConfig } from './config.ts'
import { GroupCommit } from './group-commit.ts'
import { type LoadedLog, loadLog } from './open.ts'
import { readBatches } from './read.ts'
import { selectExpiredSegments } from './retention.ts'
import type { SegmentSet } from './segment-set.ts'
import type {
  AppendResult,
  DeletedSegment,
  DeletionResult,
  PartitionLogOptions,
  PartitionLogStats,
  ReadResult,
} from './types.ts'

/**
 * One partition replica's log: Kafka RecordBatch v2 batches in a directory of SQLite segment
 * files, with offsets, leader epochs, high watermark, truncation, retention and crash recovery.
 *
 * Appends are asynchronous (group commit: they resolve once their transaction has committed);
 * everything else is synchronous, since SQLite calls are. A log is used by one owner in one
 * process; nothing here guards against two processes opening the same directory.
 */
export class PartitionLog {
  readonly dir: string
  readonly config: LogConfig
  readonly #logger: Logger
  readonly #now: () => number
  readonly #state: PartitionStateFile
  readonly #segments: SegmentSet
  readonly #epochs: LeaderEpochCache
  readonly #commit: GroupCommit
  #logStartOffset: number
  #highWatermark: number
  #closed = false
  #stats = { commits: 0, appendedBatches: 0, appendedBytes: 0, segmentsRolled: 0 }

  private constructor(
    options: PartitionLogOptions,
    config: LogConfig,
    logger: Logger,
    loaded: LoadedLog,
  ) {
    this.dir = options.dir
    this.config = config
    this.#logger = logger
    this.#now = options.now ?? Date.now
    this.#state = loaded.state
    this.#segments = loaded.segments
    this.#epochs = loaded.epochs
    this.#logStartOffset = loaded.logStartOffset
    this.#highWatermark = loaded.highWatermark
    this.#commit = new GroupCommit({
      segments: this.#segments,
      epochs: this.#epochs,
      config,
      now: this.#now,
      committed: (batches, bytes) => {
        this.#stats.commits++
        this.#stats.appendedBatches += batches
        this.#stats.appendedBytes += bytes
      },
      rolled: () => {
        this.#stats.segmentsRolled++
      },
      afterFlush: () => this.#checkpoint(),
    })
  }

  /** Opens (creating if needed) and recovers the log in `options.dir`. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const config = resolveLogConfig(options.config)
    const logger = (options.logger ?? silentLogger).child({ log: options.dir })
    try {
      const loaded = await loadLog(options.dir, config, logger, options.driver)
      return new PartitionLog(options, config, logger, loaded)
    } catch (error) {
      if (error instanceof TributaryError) throw error
      throw new StorageError(`cannot open partition log ${options.dir}`, { cause: error })
    }
  }

  /** The first offset a reader may ask for. */
  get logStartOffset(): number {
    return this.#logStartOffset
  }

  /** The offset the next appended record gets. */
  get logEndOffset(): number {
    return this.#segments.active.nextOffset
  }

  get highWatermark(): number {
    return this.#highWatermark
  }

  /** The latest leader epoch in the log, -1 if none. */
  get latestEpoch(): number {
    return this.#epochs.latestEpoch
  }

  /** The leader-epoch history: each epoch and the first offset written in it. */
  get leaderEpochs(): readonly EpochEntry[] {
    return this.#epochs.entries
  }

  get segments(): SegmentSummary[] {
    return this.#segments.all.map((segment) => segment.summary)
  }

  get stats(): PartitionLogStats {
    return { ...this.#stats }
  }

  /**
   * Appends a producer's batch as leader: checks it (CRC, size against max.message.bytes,
   * magic, record numbering), gives it the next offsets and `leaderEpoch`, and LogAppendTime if
   * the topic uses it. Resolves after the commit. A refused batch changes nothing.
   *
   * The log takes `batch` without copying it: offsets, epoch and LogAppendTime are stamped into
   * the caller's buffer in place, as a Kafka broker stamps the request's buffer. Do not change or
   * reuse the buffer until the returned promise settles; afterwards it holds the stored bytes.
   */
  append(batch: Uint8Array, leaderEpoch: number): Promise<AppendResult> {
    try {
      this.#open()
      if (!Number.isInteger(leaderEpoch) || leaderEpoch < 0 || leaderEpoch > 0x7fff_ffff) {
        throw new TributaryError(ErrorCode.InvalidRequest, `invalid leader epoch ${leaderEpoch}`)
      }
      const checked = checkLeaderBatch(batch, this.config.maxMessageBytes)
      return new Promise((resolve, reject) =>
        this.#commit.submit({ kind: 'leader', batch: checked, leaderEpoch, resolve, reject }),
      )
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Appends batches copied from the leader, keeping their offsets and leader epochs. They must
   * start exactly at the log end offset (else UnexpectedAppendOffsetError) and pass their CRC;
   * all of them are stored in one transaction or none is. The buffers are taken without a
   * copy: do not change them until the returned promise settles.
   */
  appendAsFollower(batches: Uint8Array | readonly Uint8Array[]): Promise<AppendResult> {
    try {
      this.#open()
      const checked = checkFollowerBatches(batches)
      if (checked.length === 0) {
        const end = this.logEndOffset
        return Promise.resolve({ baseOffset: end, lastOffset: end - 1, logAppendTime: -1 })
      }
      return new Promise((resolve, reject) =>
        this.#commit.submit({ kind: 'follower', batches: checked, resolve, reject }),
      )
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Whole stored batches, bytes unchanged, from the batch holding `fromOffset`: at least one
   * batch if there is any (even past `maxBytes`), else stopping before `maxBytes` is exceeded.
   * `upTo` (exclusive, default the log end; e.g. the high watermark for consumers): only batches
   * that end below it are returned, a batch straddling it is not. `fromOffset` outside
   * [logStartOffset, logEndOffset] → OffsetOutOfRangeError.
   */
  read(fromOffset: number, maxBytes: number, upTo?: number): ReadResult {
    return this.#guard('read', () => {
      const end = this.logEndOffset
      if (
        !Number.isSafeInteger(fromOffset) ||
        fromOffset < this.#logStartOffset ||
        fromOffset > end
      ) {
        throw new OffsetOutOfRangeError(
          `offset ${fromOffset} is outside the log's range [${this.#logStartOffset}, ${end}]`,
        )
      }
      const limit = upTo === undefined ? end : Math.min(upTo, end)
      return readBatches(this.#segments, fromOffset, maxBytes, limit)
    })
  }

  /**
   * Sets the high watermark, clamped into [logStartOffset, logEndOffset]; returns the value set.
   * The checkpoint is written durably at the end of the current event-loop turn (coalescing many
   * updates into one write); `flush()` waits for it.
   */
  setHighWatermark(offset: number): number {
    this.#open()
    const value = Math.min(Math.max(offset, this.#logStartOffset), this.logEndOffset)
    if (value !== this.#highWatermark) {
      this.#highWatermark = value
      this.#commit.requestFlush()
    }
    return value
  }

  /** OffsetsForLeaderEpoch for this log (see LeaderEpochCache.endOffsetFor). */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.#epochs.endOffsetFor(epoch, this.logEndOffset)
  }

  /**
   * Removes every offset at or after `offset`. Batches are never split: the batch holding
   * `offset` goes whole, so the log then ends at that batch's base offset (≤ `offset`; a
   * follower truncating to an epoch end offset from its leader always lands on a boundary).
   * Leader epochs starting in the removed part are forgotten; the high watermark (and, below the
   * first segment, the log start) comes down with it. No-op at or past the log end. Returns the
   * new log end offset.
   */
  truncateTo(offset: number): number {
    return this.#guard('truncate', () => {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new TributaryError(ErrorCode.InvalidRequest, `cannot truncate to offset ${offset}`)
      }
      if (offset >= this.logEndOffset) return this.logEndOffset
      if (offset < this.#segments.first.baseOffset) {
        this.truncateFullyAndStartAt(offset)
        return offset
      }
      const removed = this.logEndOffset
      while (this.#segments.active.baseOffset > offset) this.#segments.deleteNewest()
      this.#segments.active.truncateFrom(offset)
      const end = this.logEndOffset
      this.#epochs.truncateFromEnd(end)
      this.#logStartOffset = Math.min(this.#logStartOffset, end)
      this.#highWatermark = Math.min(this.#highWatermark, end)
      this.#saveState()
      this.#logger.info(
        { requested: offset, logEndOffset: end, removedTo: removed - 1 },
        'truncated log',
      )
      return end
    })
  }

  /**
   * Empties the log and restarts it at `offset` (log start, end and high watermark all there):
   * what a follower does when its fetch position fell below the leader's log start. Returns
   * the new log end offset.
   */
  truncateFullyAndStartAt(offset: number): number {
    return this.#guard('truncate', () => {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new TributaryError(ErrorCode.InvalidRequest, `cannot restart the log at ${offset}`)
      }
      // The state goes first: after a crash in between, opening deletes whatever lies below it.
      this.#logStartOffset = offset
      this.#highWatermark = offset
      this.#saveState()
      this.#segments.replaceAll(offset)
      this.#epochs.truncateFromEnd(0)
      this.#logger.info({ offset }, 'truncated the whole log and restarted it')
      return offset
    })
  }

  /**
   * Kafka's DeleteRecords: moves the log start offset up to `offset` (at most the high
   * watermark, else OffsetOutOfRangeError) durably, then deletes the segments wholly below it
   * (never the active one). Reads below the new start fail from now on.
   */
  deleteRecordsBefore(offset: number): DeletionResult {
    return this.#guard('delete records', () => {
      if (!Number.isSafeInteger(offset) || offset > this.#highWatermark) {
        throw new OffsetOutOfRangeError(
          `cannot delete records before ${offset}: beyond the high watermark ${this.#highWatermark}`,
        )
      }
      if (offset <= this.#logStartOffset) {
        return { deletedSegments: [], logStartOffset: this.#logStartOffset }
      }
      this.#logStartOffset = offset
      this.#saveState()
      const deletedSegments: DeletedSegment[] = []
      while (this.#segments.all.length > 1 && this.#segments.first.nextOffset <= offset) {
        const { summary } = this.#segments.deleteOldest()
        deletedSegments.push({ ...pick(summary), reason: 'log-start-offset' })
      }
      this.#epochs.truncateFromStart(offset)
      return { deletedSegments, logStartOffset: offset }
    })
  }

  /**
   * Deletes closed segments past `retention.ms` or `retention.bytes` (see selectExpiredSegments)
   * and moves the log start to the first remaining offset. For a broker to call on a timer.
   */
  applyRetention(): DeletionResult {
    return this.#guard('retention', () => {
      const expired = selectExpiredSegments({
        segments: this.segments,
        highWatermark: this.#highWatermark,
        nowMs: this.#now(),
        config: this.config,
      })
      const last = expired.at(-1)
      if (last === undefined) return { deletedSegments: [], logStartOffset: this.#logStartOffset }
      this.#logStartOffset = Math.max(this.#logStartOffset, last.nextOffset)
      this.#saveState()
      for (const _ of expired) this.#segments.deleteOldest()
      this.#epochs.truncateFromStart(this.#logStartOffset)
      this.#logger.info(
        { deletedSegments: expired, logStartOffset: this.#logStartOffset },
        'retention deleted segments',
      )
      return { deletedSegments: expired, logStartOffset: this.#logStartOffset }
    })
  }

  /** Resolves once every append made so far has settled and the checkpoint is written. */
  flush(): Promise<void> {
    return this.#commit.whenIdle()
  }

  /** Waits for pending appends, writes the checkpoint and closes every file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#commit.whenIdle()
    this.#checkpoint()
    this.#segments.close()
    this.#state.close()
  }

  #open(): void {
    if (this.#closed) throw new StorageError(`partition log ${this.dir} is closed`)
  }

  /** Runs a synchronous operation; a failure that is not already ours becomes a StorageError. */
  #guard<T>(what: string, operation: () => T): T {
    this.#open()
    try {
      return operation()
    } catch (error) {
      if (error instanceof TributaryError) throw error
      throw new StorageError(`${what} failed in ${this.dir}`, { cause: error })
    }
  }

  #saveState(): void {
    this.#state.save({ logStartOffset: this.#logStartOffset, highWatermark: this.#highWatermark })
  }

  /** Writes the high-watermark checkpoint if it moved; a failure is logged, not thrown. */
  #checkpoint(): void {
    try {
      this.#saveState()
    } catch (error) {
      this.#logger.error({ err: error }, 'could not write the high-watermark checkpoint')
    }
  }
}

function pick(summary: SegmentSummary) {
  return {
    baseOffset: summary.baseOffset,
    nextOffset: summary.nextOffset,
    sizeBytes: summary.sizeBytes,
  }
}
