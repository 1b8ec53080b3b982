import { mkdirSync } from 'node:fs'
import type { Logger } from '@tributary/core'
import { PartitionStateFile } from '../checkpoint/index.ts'
import { loadDriver, type SqlDriver } from '../driver/index.ts'
import { LeaderEpochCache } from '../epoch/index.ts'
import { Segment, type Synchronous } from '../segment/index.ts'
import type { LogConfig } from './config.ts'
import { dropDiscontinuousSegments, listSegmentFiles, recoverTail } from './recovery.ts'
import { SegmentSet } from './segment-set.ts'

/** Everything a PartitionLog holds, loaded and recovered from its directory. */
export interface LoadedLog {
  readonly driver: SqlDriver
  readonly state: PartitionStateFile
  readonly segments: SegmentSet
  readonly epochs: LeaderEpochCache
  readonly logStartOffset: number
  readonly highWatermark: number
}

/**
 * Opens a partition directory:
 * 1. the state file (log start offset, high-watermark checkpoint);
 * 2. every segment file; segments wholly below the log start are deleted (an interrupted
 *    DeleteRecords or retention), and so is anything after a gap between segments;
 * 3. recovery of the active segment's newest batches (see recoverTail);
 * 4. the leader-epoch cache, folded from the segments' entries, trimmed to the log's range;
 * 5. log start and high watermark clamped into [first segment, log end].
 */
export async function loadLog(
  dir: string,
  config: LogConfig,
  logger: Logger,
  driverOption: SqlDriver | undefined,
): Promise<LoadedLog> {
  const driver = driverOption ?? (await loadDriver())
  const sync: Synchronous = config.flushMode === 'fsync' ? 'FULL' : 'NORMAL'
  mkdirSync(dir, { recursive: true })
  // The checkpoint is written at most once per group commit, beside the segment's own commit.
  // It never needs its own fsync: a high watermark is only a lower bound (Kafka checkpoints it
  // every 5 s) that the leader recomputes from its replicas, and the log start offset only
  // hides records already deleted. Syncing it cost a second fsync on every produce.
  const state = PartitionStateFile.open(driver, dir, 'NORMAL')
  let opened: Segment[] = []
  try {
    const savedStart = state.saved.logStartOffset
    for (const base of listSegmentFiles(dir)) opened.push(Segment.open(driver, dir, base, sync))
    // Segments wholly below the log start, except that the newest one stays if it ends exactly
    // there (an empty log after DeleteRecords up to its end).
    while (
      opened.length > 0 &&
      (opened[0] as Segment).nextOffset <= savedStart &&
      (opened.length > 1 || (opened[0] as Segment).nextOffset < savedStart)
    ) {
      const segment = opened.shift() as Segment
      logger.info({ segment: segment.path }, 'deleted a segment below the log start offset')
      segment.delete()
    }
    if (opened.length === 0) opened.push(Segment.open(driver, dir, savedStart, sync))
    opened = dropDiscontinuousSegments(opened, logger)
    const segments = new SegmentSet(dir, driver, sync, logger, [...opened])
    recoverTail(segments.active, config.recoveryBatches, logger)

    const logEndOffset = segments.active.nextOffset
    const logStartOffset = Math.min(Math.max(savedStart, segments.first.baseOffset), logEndOffset)
    const highWatermark = Math.min(
      Math.max(state.saved.highWatermark, logStartOffset),
      logEndOffset,
    )
    const epochs = LeaderEpochCache.fromEntries(segments.all.flatMap((segment) => segment.epochs()))
    epochs.truncateFromEnd(logEndOffset)
    epochs.truncateFromStart(logStartOffset)
    state.save({ logStartOffset, highWatermark })
    logger.debug(
      { logStartOffset, logEndOffset, highWatermark, segments: segments.all.length },
      'opened partition log',
    )
    return { driver, state, segments, epochs, logStartOffset, highWatermark }
  } catch (error) {
    for (const segment of opened) {
      try {
        segment.close()
      } catch {
        // Already closed or deleted.
      }
    }
    state.close()
    throw error
  }
}
