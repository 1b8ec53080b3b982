/**
 * The driver seam: the few SQLite operations storage needs, so the same log code runs on
 * better-sqlite3 (Node), `bun:sqlite` (Bun) and `node:sqlite` (Deno).
 *
 * The contract every implementation keeps (checked by one contract suite on each runtime):
 * - parameters are positional (`?`) only, since the three disagree on named-parameter prefixes;
 * - integers come back as `number` (offsets stay far below 2^53);
 * - BLOBs come back as `Uint8Array` (on Node a `Buffer`, which is one);
 * - `get` returns `undefined` when there is no row;
 * - `run` reports `changes` as a number.
 */

/** A value SQLite can bind. `undefined` is not one: pass `null`. */
export type SqlValue = number | bigint | string | Uint8Array | null

/** One result row, keyed by column name. */
export type SqlRow = Record<string, unknown>

export interface SqlRunResult {
  readonly changes: number
}

export interface SqlStatement<Row extends object = SqlRow> {
  run(...params: SqlValue[]): SqlRunResult
  get(...params: SqlValue[]): Row | undefined
  all(...params: SqlValue[]): Row[]
  /** Steps lazily; leaving the loop early (`break`) stops the query. */
  iterate(...params: SqlValue[]): IterableIterator<Row>
}

export interface SqlDatabase {
  prepare<Row extends object = SqlRow>(sql: string): SqlStatement<Row>
  /** Runs one or more statements without results (DDL, pragmas). */
  exec(sql: string): void
  /**
   * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT`; rolls back and rethrows if it throws. Not
   * reentrant. Returns only after the commit, so with `synchronous=FULL` the data is on disk.
   */
  transaction<T>(fn: () => T): T
  close(): void
}

export type SqlDriverName = 'better-sqlite3' | 'bun:sqlite' | 'node:sqlite'

export interface SqlDriver {
  readonly name: SqlDriverName
  /** Opens (creating if missing) the database file at `path`. */
  open(path: string): SqlDatabase
}
