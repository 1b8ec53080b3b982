import type { SqlDatabase } from './types.ts'

type Runner = { run(): unknown }

/**
 * `BEGIN IMMEDIATE … COMMIT` on prepared statements, shared by every implementation (only
 * better-sqlite3 has its own helper, and it would add nothing here). IMMEDIATE takes the write
 * lock up front, so a transaction never fails half-way on a lock upgrade.
 */
export function transactionRunner(prepare: (sql: string) => Runner): SqlDatabase['transaction'] {
  let begin: Runner | undefined
  let commit: Runner | undefined
  let rollback: Runner | undefined
  return <T>(fn: () => T): T => {
    begin ??= prepare('BEGIN IMMEDIATE')
    commit ??= prepare('COMMIT')
    rollback ??= prepare('ROLLBACK')
    begin.run()
    let result: T
    try {
      result = fn()
    } catch (error) {
      rollback.run()
      throw error
    }
    try {
      commit.run()
    } catch (error) {
      // A failed COMMIT (disk full, I/O error) can leave the transaction open.
      try {
        rollback.run()
      } catch {
        // Nothing was open any more: SQLite had already rolled back.
      }
      throw error
    }
    return result
  }
}
