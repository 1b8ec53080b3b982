import Database from 'better-sqlite3'
import type { FlushMode } from '../src/index.ts'

/**
 * The baseline: raw better-sqlite3 storing the same batch bytes, one row per batch in one
 * table, WAL mode, the same `synchronous` setting, prepared statements and nothing else: no
 * CRC check, no offset stamping, no segment bookkeeping. It is what the log would cost if it
 * were free.
 */
export class RawSqliteLog {
  readonly #db: Database.Database
  readonly #insert: Database.Statement
  readonly #read: Database.Statement
  readonly #insertMany: (batches: readonly Uint8Array[]) => void
  #nextOffset = 0

  constructor(path: string, flushMode: FlushMode, recordsPerBatch: number) {
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma(`synchronous = ${flushMode === 'fsync' ? 'FULL' : 'NORMAL'}`)
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS batches (base_offset INTEGER PRIMARY KEY, last_offset INTEGER NOT NULL, bytes BLOB NOT NULL)',
    )
    this.#insert = this.#db.prepare(
      'INSERT INTO batches (base_offset, last_offset, bytes) VALUES (?, ?, ?)',
    )
    this.#read = this.#db
      .prepare(
        'SELECT last_offset, bytes FROM batches WHERE base_offset >= ? ORDER BY base_offset LIMIT ?',
      )
      .raw(true)
    this.#insertMany = this.#db.transaction((batches: readonly Uint8Array[]) => {
      for (const batch of batches) {
        this.#insert.run(this.#nextOffset, this.#nextOffset + recordsPerBatch - 1, batch)
        this.#nextOffset += recordsPerBatch
      }
    })
  }

  /** One transaction (one commit) per call, holding every batch given. */
  append(batches: readonly Uint8Array[]): void {
    this.#insertMany(batches)
  }

  /** Reads up to `maxBytes` of whole batches from `fromOffset`, as the log's read does. */
  read(fromOffset: number, maxBytes: number, limit: number): { bytes: number; next: number } {
    let bytes = 0
    let next = fromOffset
    for (const row of this.#read.iterate(fromOffset, limit) as Iterable<[number, Uint8Array]>) {
      if (bytes > 0 && bytes + row[1].length > maxBytes) break
      bytes += row[1].length
      next = row[0] + 1
    }
    return { bytes, next }
  }

  close(): void {
    this.#db.close()
  }
}
