import Database from 'better-sqlite3'
import { transactionRunner } from './transaction.ts'
import type { SqlDatabase, SqlDriver, SqlRow, SqlStatement, SqlValue } from './types.ts'

/** Node's driver, and the fast path: better-sqlite3 already speaks the seam's contract. */
function open(path: string): SqlDatabase {
  const db = new Database(path)
  return {
    prepare<Row extends object = SqlRow>(sql: string): SqlStatement<Row> {
      const statement = db.prepare<SqlValue[], Row>(sql)
      // Statements that return no data (BEGIN, INSERT …) refuse get/all/iterate; only `run` is
      // used on those.
      return {
        run: (...params) => statement.run(...params),
        get: (...params) => statement.get(...params),
        all: (...params) => statement.all(...params),
        iterate: (...params) => statement.iterate(...params),
      }
    },
    exec: (sql) => {
      db.exec(sql)
    },
    transaction: transactionRunner((sql) => db.prepare(sql)),
    close: () => db.close(),
  }
}

export const betterSqlite3Driver: SqlDriver = { name: 'better-sqlite3', open }
