import { setImmediate } from 'node:timers'
import {
  ErrorCode,
  lastOffsetOf,
  readBatchHeader,
  StorageError,
  setLogAppendTime,
  stampBatch,
  TributaryError,
  UnexpectedAppendOffsetError,
} from '@tributary/core'
import type { LeaderEpochCache } from '../epoch/index.ts'
import type { BatchRow, EpochStart } from '../segment/index.ts'
import { type CheckedBatch, rowOf } from './batch-check.ts'
import type { LogConfig } from './config.ts'
import { type SegmentSet, shouldRoll } from './segment-set.ts'
import type { AppendResult } from './types.ts'

interface Settle {
  resolve(result: AppendResult): void
  reject(error: unknown): void
}

export interface LeaderAppend extends Settle {
  readonly kind: 'leader'
  readonly batch: CheckedBatch
  readonly leaderEpoch: number
}

export interface FollowerAppend extends Settle {
  readonly kind: 'follower'
  readonly batches: readonly CheckedBatch[]
}

export type PendingAppend = LeaderAppend | FollowerAppend

export interface GroupCommitContext {
  readonly segments: SegmentSet
  readonly epochs: LeaderEpochCache
  readonly config: LogConfig
  readonly now: () => number
  /** Called after each committed transaction with what it stored. */
  committed(batches: number, bytes: number): void
  /** Called after the group rolled to a new segment. */
  rolled(): void
  /** Called at the end of every flush (the log checkpoints its high watermark here). */
  afterFlush(): void
}

/** What one append becomes, before it is stored. */
interface Planned {
  readonly rows: BatchRow[]
  readonly epochs: EpochStart[]
  readonly result: AppendResult
}

/**
 * Group commit. Appends are queued, and the queue is flushed once per event-loop turn
 * (`setImmediate`, so every request that arrived in the same I/O phase joins the group): all
 * queued appends go into one SQLite transaction, so N concurrent producers cost one commit (one
 * fsync in 'fsync' mode), and each append's promise settles only after that commit.
 *
 * Offsets are assigned inside the flush, from the log end offset as committed: an append refused
 * by its checks takes no offset, and if a transaction fails none of its appends is stored and the
 * log end offset does not move, so a failed group leaves no hole. A group that reaches the
 * segment roll point is split: the part before commits, a new segment opens, the rest follows.
 */
export class GroupCommit {
  readonly #context: GroupCommitContext
  #queue: PendingAppend[] = []
  #scheduled = false
  #idle: (() => void)[] = []

  constructor(context: GroupCommitContext) {
    this.#context = context
  }

  submit(append: PendingAppend): void {
    this.#queue.push(append)
    this.requestFlush()
  }

  /** Schedules a flush even with nothing queued (to write a checkpoint). */
  requestFlush(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => this.#run())
  }

  /** Resolves once nothing is queued or scheduled. */
  whenIdle(): Promise<void> {
    if (!this.#scheduled) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #run(): void {
    this.#scheduled = false
    const group = this.#queue
    this.#queue = []
    try {
      this.#commit(group)
    } catch (error) {
      // Not expected (every step handles its own failures), but no append may hang: settle
      // whatever is still pending (rejecting a settled promise does nothing).
      const failure = new StorageError('group commit failed', { cause: error })
      for (const append of group) append.reject(failure)
    } finally {
      this.#context.afterFlush()
      if (!this.#scheduled) {
        const idle = this.#idle
        this.#idle = []
        for (const resolve of idle) resolve()
      }
    }
  }

  #commit(group: readonly PendingAppend[]): void {
    const { segments, epochs, config } = this.#context
    let index = 0
    while (index < group.length) {
      const nowMs = this.#context.now()
      try {
        if (shouldRoll(segments.active.summary, 0, sizeOf(group[index]), nowMs, config)) {
          segments.roll()
          this.#context.rolled()
        }
      } catch (error) {
        const failure = new StorageError('cannot roll to a new segment', { cause: error })
        for (const append of group.slice(index)) append.reject(failure)
        return
      }
      const active = segments.active
      let nextOffset = active.nextOffset
      let latestEpoch = epochs.latestEpoch
      let pendingBytes = 0
      const rows: BatchRow[] = []
      const newEpochs: EpochStart[] = []
      const accepted: { append: PendingAppend; result: AppendResult }[] = []
      for (; index < group.length; index++) {
        const append = group[index] as PendingAppend
        const size = sizeOf(append)
        if (
          rows.length > 0 &&
          shouldRoll(active.summary, rows.length, pendingBytes + size, nowMs, config)
        ) {
          break
        }
        let planned: Planned
        try {
          planned =
            append.kind === 'leader'
              ? planLeader(append, nextOffset, latestEpoch, nowMs, config)
              : planFollower(append, nextOffset, latestEpoch)
        } catch (error) {
          append.reject(error)
          continue
        }
        rows.push(...planned.rows)
        newEpochs.push(...planned.epochs)
        latestEpoch = planned.epochs.at(-1)?.epoch ?? latestEpoch
        nextOffset = planned.result.lastOffset + 1
        pendingBytes += size
        accepted.push({ append, result: planned.result })
      }
      if (rows.length === 0) continue
      try {
        active.append(rows, newEpochs, nowMs)
      } catch (error) {
        const failure = new StorageError(`append to ${active.path} failed`, { cause: error })
        for (const { append } of accepted) append.reject(failure)
        continue
      }
      for (const entry of newEpochs) epochs.assign(entry.epoch, entry.startOffset)
      this.#context.committed(rows.length, pendingBytes)
      for (const { append, result } of accepted) append.resolve(result)
    }
  }
}

function sizeOf(append: PendingAppend | undefined): number {
  if (append === undefined) return 0
  if (append.kind === 'leader') return append.batch.bytes.length
  let size = 0
  for (const batch of append.batches) size += batch.bytes.length
  return size
}

/** A leader append: offsets from the log end, the leader's epoch, LogAppendTime if configured. */
function planLeader(
  append: LeaderAppend,
  nextOffset: number,
  latestEpoch: number,
  nowMs: number,
  config: LogConfig,
): Planned {
  if (append.leaderEpoch < latestEpoch) {
    throw new TributaryError(
      ErrorCode.FencedLeaderEpoch,
      `leader epoch ${append.leaderEpoch} is older than the log's latest epoch ${latestEpoch}`,
    )
  }
  const { bytes } = append.batch
  stampBatch(bytes, nextOffset, append.leaderEpoch)
  let logAppendTime = -1
  if (config.messageTimestampType === 'LogAppendTime') {
    setLogAppendTime(bytes, nowMs)
    logAppendTime = nowMs
  }
  const header = readBatchHeader(bytes)
  const lastOffset = lastOffsetOf(header)
  return {
    rows: [rowOf(header, bytes)],
    epochs:
      append.leaderEpoch > latestEpoch
        ? [{ epoch: append.leaderEpoch, startOffset: nextOffset }]
        : [],
    result: { baseOffset: nextOffset, lastOffset, logAppendTime },
  }
}

/** A follower append: must continue the log exactly where it ends; keeps the leader's stamps. */
function planFollower(append: FollowerAppend, nextOffset: number, latestEpoch: number): Planned {
  const first = append.batches[0]
  const last = append.batches.at(-1)
  if (first === undefined || last === undefined) throw new Error('empty follower append')
  if (first.header.baseOffset !== nextOffset) {
    throw new UnexpectedAppendOffsetError(
      `follower append starts at offset ${first.header.baseOffset}, but the log ends at ${nextOffset}`,
    )
  }
  const epochs: EpochStart[] = []
  let latest = latestEpoch
  for (const { header } of append.batches) {
    if (header.partitionLeaderEpoch > latest) {
      latest = header.partitionLeaderEpoch
      epochs.push({ epoch: latest, startOffset: header.baseOffset })
    }
  }
  return {
    rows: append.batches.map(({ header, bytes }) => rowOf(header, bytes)),
    epochs,
    result: {
      baseOffset: first.header.baseOffset,
      lastOffset: lastOffsetOf(last.header),
      logAppendTime: -1,
    },
  }
}
