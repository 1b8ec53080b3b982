import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { StorageError } from '@tributary/core'
import type { SqlDatabase, SqlDriver, SqlStatement } from '../driver/index.ts'
import { batches, createTableSql, segmentEpochs, segmentInfo } from '../schema/index.ts'
import { segmentFileName } from './file-name.ts'
import type { BatchRow, EpochStart, SegmentSummary, Synchronous } from './types.ts'

const DDL = [createTableSql(batches), createTableSql(segmentEpochs), createTableSql(segmentInfo)]
  .join(';\n')
  .concat(';\nPRAGMA user_version = 1')

const BATCH_COLUMNS =
  'base_offset, last_offset, base_timestamp, max_timestamp, leader_epoch, producer_id, ' +
  'producer_epoch, base_sequence, record_count, attributes, size_bytes, bytes'

interface InfoRow {
  base_offset: number
  created_at_ms: number | null
  size_bytes: number
  batch_count: number
  max_timestamp: number
}

/** A stored batch as a read sees it. */
export interface StoredBatch {
  readonly lastOffset: number
  readonly sizeBytes: number
  readonly bytes: Uint8Array
}

/**
 * One segment file: a SQLite database in WAL mode holding the batches from its base offset on.
 * Every statement is prepared once when the segment opens; appends, reads and truncation are
 * raw prepared statements (the hot paths never touch drizzle's query builder).
 */
export class Segment {
  readonly baseOffset: number
  readonly path: string
  #summary: SegmentSummary
  readonly #db: SqlDatabase
  readonly #insertBatch: SqlStatement
  readonly #insertEpoch: SqlStatement
  readonly #saveInfo: SqlStatement
  readonly #readFrom: SqlStatement<{ last_offset: number; size_bytes: number; bytes: Uint8Array }>
  readonly #lastOffset: SqlStatement<{ last_offset: number }>
  readonly #lastRows: SqlStatement<Record<string, number | Uint8Array>>
  readonly #containing: SqlStatement<{ base_offset: number; last_offset: number }>
  readonly #deleteBatches: SqlStatement
  readonly #deleteEpochs: SqlStatement
  readonly #totals: SqlStatement<{ batch_count: number; size_bytes: number; max_timestamp: number }>
  readonly #epochs: SqlStatement<{ epoch: number; start_offset: number }>

  private constructor(db: SqlDatabase, path: string, baseOffset: number) {
    this.#db = db
    this.path = path
    this.baseOffset = baseOffset
    db.transaction(() => {
      db.exec(DDL)
      db.prepare(
        'INSERT OR IGNORE INTO segment_info (id, base_offset, created_at_ms, size_bytes, batch_count, max_timestamp) VALUES (0, ?, NULL, 0, 0, -1)',
      ).run(baseOffset)
    })
    this.#insertBatch = db.prepare(
      `INSERT INTO batches (${BATCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.#insertEpoch = db.prepare(
      'INSERT OR IGNORE INTO leader_epochs (epoch, start_offset) VALUES (?, ?)',
    )
    this.#saveInfo = db.prepare(
      'UPDATE segment_info SET created_at_ms = ?, size_bytes = ?, batch_count = ?, max_timestamp = ? WHERE id = 0',
    )
    // The batch holding `from` is the one with the largest base offset <= from; from there on,
    // a forward range scan of the rowid b-tree.
    this.#readFrom = db.prepare(
      'SELECT last_offset, size_bytes, bytes FROM batches WHERE base_offset >= coalesce((SELECT base_offset FROM batches WHERE base_offset <= ? ORDER BY base_offset DESC LIMIT 1), ?) ORDER BY base_offset',
    )
    this.#lastOffset = db.prepare(
      'SELECT last_offset FROM batches ORDER BY base_offset DESC LIMIT 1',
    )
    this.#lastRows = db.prepare(
      `SELECT ${BATCH_COLUMNS} FROM batches ORDER BY base_offset DESC LIMIT ?`,
    )
    this.#containing = db.prepare(
      'SELECT base_offset, last_offset FROM batches WHERE base_offset <= ? ORDER BY base_offset DESC LIMIT 1',
    )
    this.#deleteBatches = db.prepare('DELETE FROM batches WHERE base_offset >= ?')
    this.#deleteEpochs = db.prepare('DELETE FROM leader_epochs WHERE start_offset >= ?')
    this.#totals = db.prepare(
      'SELECT count(*) AS batch_count, coalesce(sum(size_bytes), 0) AS size_bytes, coalesce(max(max_timestamp), -1) AS max_timestamp FROM batches',
    )
    this.#epochs = db.prepare(
      'SELECT epoch, start_offset FROM leader_epochs ORDER BY start_offset, epoch',
    )
    const info = db.prepare<InfoRow>('SELECT * FROM segment_info WHERE id = 0').get()
    if (info === undefined || info.base_offset !== baseOffset) {
      db.close()
      throw new StorageError(
        `segment ${path} says its base offset is ${info?.base_offset}, its name ${baseOffset}`,
      )
    }
    this.#summary = {
      baseOffset,
      nextOffset: this.#storedNextOffset(),
      sizeBytes: info.size_bytes,
      batchCount: info.batch_count,
      maxTimestamp: info.max_timestamp,
      createdAtMs: info.created_at_ms,
    }
  }

  /** Opens the segment file for `baseOffset` in `dir`, creating it if it does not exist. */
  static open(driver: SqlDriver, dir: string, baseOffset: number, sync: Synchronous): Segment {
    const path = join(dir, segmentFileName(baseOffset))
    let db: SqlDatabase | undefined
    try {
      db = driver.open(path)
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync}`)
      return new Segment(db, path, baseOffset)
    } catch (error) {
      if (error instanceof StorageError) throw error
      db?.close()
      throw new StorageError(`cannot open segment ${path}`, { cause: error })
    }
  }

  get summary(): SegmentSummary {
    return this.#summary
  }

  get nextOffset(): number {
    return this.#summary.nextOffset
  }

  get isEmpty(): boolean {
    return this.#summary.batchCount === 0
  }

  /**
   * Stores `rows` (contiguous, starting at this segment's next offset) and the epoch entries
   * they start, in one transaction. Returns after the commit; on any failure nothing is stored
   * and this segment's view of itself is unchanged.
   */
  append(rows: readonly BatchRow[], epochs: readonly EpochStart[], nowMs: number): void {
    const first = rows[0]
    const last = rows.at(-1)
    if (first === undefined || last === undefined) return
    const before = this.#summary
    let sizeBytes = before.sizeBytes
    let maxTimestamp = before.maxTimestamp
    const createdAtMs = before.createdAtMs ?? nowMs
    this.#db.transaction(() => {
      // Each non-empty segment names the epoch of its first batch (see segmentEpochs).
      if (before.batchCount === 0) this.#insertEpoch.run(first.leaderEpoch, first.baseOffset)
      for (const row of rows) {
        this.#insertBatch.run(
          row.baseOffset,
          row.lastOffset,
          row.baseTimestamp,
          row.maxTimestamp,
          row.leaderEpoch,
          row.producerId,
          row.producerEpoch,
          row.baseSequence,
          row.recordCount,
          row.attributes,
          row.sizeBytes,
          row.bytes,
        )
        sizeBytes += row.sizeBytes
        if (row.maxTimestamp > maxTimestamp) maxTimestamp = row.maxTimestamp
      }
      for (const entry of epochs) this.#insertEpoch.run(entry.epoch, entry.startOffset)
      this.#saveInfo.run(createdAtMs, sizeBytes, before.batchCount + rows.length, maxTimestamp)
    })
    this.#summary = {
      ...before,
      nextOffset: last.lastOffset + 1,
      sizeBytes,
      batchCount: before.batchCount + rows.length,
      maxTimestamp,
      createdAtMs,
    }
  }

  /**
   * The stored batches in offset order, starting with the one that holds `fromOffset`. Lazy:
   * stop iterating and the query stops (each row's blob is read only when reached).
   */
  readFrom(fromOffset: number): IterableIterator<StoredBatch> {
    const rows = this.#readFrom.iterate(fromOffset, fromOffset)
    const iterator: IterableIterator<StoredBatch> = {
      next: () => {
        const step = rows.next()
        if (step.done === true) return { done: true, value: undefined }
        const row = step.value
        return {
          done: false,
          value: { lastOffset: row.last_offset, sizeBytes: row.size_bytes, bytes: row.bytes },
        }
      },
      return: (value?: unknown) => {
        rows.return?.()
        return { done: true, value: value as undefined }
      },
      [Symbol.iterator]: () => iterator,
    }
    return iterator
  }

  /** The last `count` stored batches, newest first. */
  lastBatches(count: number): BatchRow[] {
    return this.#lastRows.all(count).map((row) => ({
      baseOffset: row.base_offset as number,
      lastOffset: row.last_offset as number,
      baseTimestamp: row.base_timestamp as number,
      maxTimestamp: row.max_timestamp as number,
      leaderEpoch: row.leader_epoch as number,
      producerId: row.producer_id as number,
      producerEpoch: row.producer_epoch as number,
      baseSequence: row.base_sequence as number,
      recordCount: row.record_count as number,
      attributes: row.attributes as number,
      sizeBytes: row.size_bytes as number,
      bytes: row.bytes as Uint8Array,
    }))
  }

  /** The leader-epoch entries recorded in this segment, by start offset. */
  epochs(): EpochStart[] {
    return this.#epochs.all().map((row) => ({ epoch: row.epoch, startOffset: row.start_offset }))
  }

  /**
   * Removes every batch that holds `offset` or comes after it: a batch is never split, so the
   * segment then ends at the base offset of the batch holding `offset`. Epoch entries from there
   * on go too. Returns how many batches were removed.
   */
  truncateFrom(offset: number): number {
    const holding = this.#containing.get(offset)
    const cut =
      holding !== undefined && holding.last_offset >= offset ? holding.base_offset : offset
    if (cut >= this.#summary.nextOffset) return 0
    let removed = 0
    let summary = this.#summary
    // Totals are recomputed by a scan of what remains: truncation is rare (leader changes,
    // recovery), and max_timestamp cannot be maintained by subtraction.
    this.#db.transaction(() => {
      removed = this.#deleteBatches.run(cut).changes
      this.#deleteEpochs.run(cut)
      const totals = this.#totals.get() ?? { batch_count: 0, size_bytes: 0, max_timestamp: -1 }
      summary = {
        baseOffset: this.baseOffset,
        nextOffset: this.#storedNextOffset(),
        sizeBytes: totals.size_bytes,
        batchCount: totals.batch_count,
        maxTimestamp: totals.max_timestamp,
        createdAtMs: totals.batch_count === 0 ? null : this.#summary.createdAtMs,
      }
      this.#saveInfo.run(
        summary.createdAtMs,
        summary.sizeBytes,
        summary.batchCount,
        summary.maxTimestamp,
      )
    })
    this.#summary = summary
    return removed
  }

  close(): void {
    this.#db.close()
  }

  /**
   * Closes and deletes the file. Closing the last connection checkpoints the WAL into the main
   * file and removes it, so unlinking the main file first can never strand a WAL that a later
   * segment of the same name would replay; leftover -wal/-shm files are removed after it.
   */
  delete(): void {
    this.#db.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.path}${suffix}`, { force: true })
  }

  #storedNextOffset(): number {
    const last = this.#lastOffset.get()
    return last === undefined ? this.baseOffset : last.last_offset + 1
  }
}
