import { join } from 'node:path'
import { StorageError } from '@tributary/core'
import type { SqlDatabase, SqlDriver, SqlStatement } from '../driver/index.ts'
import { createTableSql, partitionState } from '../schema/index.ts'
import type { Synchronous } from '../segment/index.ts'

export const PARTITION_STATE_FILE = 'partition.sqlite'

export interface PartitionCheckpoint {
  readonly logStartOffset: number
  readonly highWatermark: number
}

/**
 * The log start offset and high-watermark checkpoint, one row in `partition.sqlite` beside the
 * segments. Each save is one SQLite transaction: atomic, and it survives a process crash; the
 * log opens it with `synchronous=NORMAL`, so a power loss may take back the newest saves (see
 * loadLog for why that is safe).
 */
export class PartitionStateFile {
  readonly #db: SqlDatabase
  readonly #save: SqlStatement
  #saved: PartitionCheckpoint

  private constructor(db: SqlDatabase) {
    this.#db = db
    db.transaction(() => {
      db.exec(createTableSql(partitionState))
      db.prepare(
        'INSERT OR IGNORE INTO partition_state (id, log_start_offset, high_watermark) VALUES (0, 0, 0)',
      ).run()
    })
    this.#save = db.prepare(
      'UPDATE partition_state SET log_start_offset = ?, high_watermark = ? WHERE id = 0',
    )
    const row = db
      .prepare<{ log_start_offset: number; high_watermark: number }>(
        'SELECT log_start_offset, high_watermark FROM partition_state WHERE id = 0',
      )
      .get()
    this.#saved = {
      logStartOffset: row?.log_start_offset ?? 0,
      highWatermark: row?.high_watermark ?? 0,
    }
  }

  static open(driver: SqlDriver, dir: string, sync: Synchronous): PartitionStateFile {
    const path = join(dir, PARTITION_STATE_FILE)
    let db: SqlDatabase | undefined
    try {
      db = driver.open(path)
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync}`)
      return new PartitionStateFile(db)
    } catch (error) {
      db?.close()
      throw new StorageError(`cannot open partition state ${path}`, { cause: error })
    }
  }

  /** What was last saved (or loaded). */
  get saved(): PartitionCheckpoint {
    return this.#saved
  }

  /** Saves both values, unless they are already what is saved. */
  save(state: PartitionCheckpoint): void {
    const saved = this.#saved
    if (
      saved.logStartOffset === state.logStartOffset &&
      saved.highWatermark === state.highWatermark
    ) {
      return
    }
    this.#save.run(state.logStartOffset, state.highWatermark)
    this.#saved = { logStartOffset: state.logStartOffset, highWatermark: state.highWatermark }
  }

  close(): void {
    this.#db.close()
  }
}
