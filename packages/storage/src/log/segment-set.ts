import { closeSync, fsyncSync, openSync } from 'node:fs'
import type { Logger } from '@tributary/core'
import type { SqlDriver } from '../driver/index.ts'
import { Segment, type SegmentSummary, type Synchronous } from '../segment/index.ts'
import type { LogConfig } from './config.ts'

/**
 * Whether the active segment should be closed before `incomingBytes` more are added to it:
 * it would pass `segment.bytes`, or it is `segment.ms` old. Age is wall-clock time since the
 * segment's first append (not the producers' timestamps, so a skewed producer clock cannot force
 * or prevent rolls). An empty segment never rolls.
 */
export function shouldRoll(
  active: SegmentSummary,
  pendingBatches: number,
  incomingBytes: number,
  nowMs: number,
  config: Pick<LogConfig, 'segmentBytes' | 'segmentMs'>,
): boolean {
  if (active.batchCount + pendingBatches === 0) return false
  if (active.sizeBytes + incomingBytes > config.segmentBytes) return true
  const firstAppend = active.createdAtMs ?? nowMs
  return nowMs - firstAppend >= config.segmentMs
}

/** The partition's segments in offset order; the last one is active (takes appends). */
export class SegmentSet {
  readonly #dir: string
  readonly #driver: SqlDriver
  readonly #sync: Synchronous
  readonly #logger: Logger
  #segments: Segment[]

  constructor(dir: string, driver: SqlDriver, sync: Synchronous, logger: Logger, list: Segment[]) {
    if (list.length === 0) throw new Error('SegmentSet needs at least one segment')
    this.#dir = dir
    this.#driver = driver
    this.#sync = sync
    this.#logger = logger
    this.#segments = list
  }

  get all(): readonly Segment[] {
    return this.#segments
  }

  get active(): Segment {
    return this.#segments.at(-1) as Segment
  }

  get first(): Segment {
    return this.#segments[0] as Segment
  }

  /** The index of the segment whose range holds `offset` (the last with base ≤ offset), or -1. */
  indexOf(offset: number): number {
    let low = 0
    let high = this.#segments.length - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >>> 1
      if ((this.#segments[middle] as Segment).baseOffset <= offset) {
        found = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found
  }

  totalBytes(): number {
    let total = 0
    for (const segment of this.#segments) total += segment.summary.sizeBytes
    return total
  }

  /** Opens a new active segment at the log end offset. */
  roll(): Segment {
    const previous = this.active
    const segment = this.create(previous.nextOffset)
    this.#segments.push(segment)
    this.#logger.info(
      {
        segment: segment.path,
        baseOffset: segment.baseOffset,
        closedSizeBytes: previous.summary.sizeBytes,
      },
      'rolled to a new segment',
    )
    return segment
  }

  /** Creates (or opens) the segment file for `baseOffset`, without adding it to the set. */
  create(baseOffset: number): Segment {
    const segment = Segment.open(this.#driver, this.#dir, baseOffset, this.#sync)
    if (this.#sync === 'FULL') syncDirectory(this.#dir)
    return segment
  }

  /** Deletes the newest segment (never the last one left). */
  deleteNewest(): Segment {
    if (this.#segments.length < 2) throw new Error('cannot delete the only segment')
    const segment = this.#segments.pop() as Segment
    segment.delete()
    return segment
  }

  /** Deletes the oldest segment (never the last one left). */
  deleteOldest(): Segment {
    if (this.#segments.length < 2) throw new Error('cannot delete the only segment')
    const segment = this.#segments.shift() as Segment
    segment.delete()
    return segment
  }

  /** Replaces every segment with one new, empty segment at `baseOffset`. */
  replaceAll(baseOffset: number): void {
    while (this.#segments.length > 1) this.deleteNewest()
    this.first.delete()
    this.#segments = [this.create(baseOffset)]
  }

  close(): void {
    for (const segment of this.#segments) segment.close()
  }
}

/**
 * Makes a new file's directory entry durable (SQLite syncs its WAL and journal entries, not the
 * main file's). Best effort: some platforms cannot open a directory for fsync.
 */
function syncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Not supported here (e.g. Windows); SQLite's own syncs still cover the data.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
