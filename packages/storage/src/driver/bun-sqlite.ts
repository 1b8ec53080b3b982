/// <reference path="./native-sqlite.d.ts" />
import { Database } from 'bun:sqlite'
import { transactionRunner } from './transaction.ts'
import type { SqlDatabase, SqlDriver, SqlRow, SqlStatement } from './types.ts'

/** Bun's driver. Differences smoothed over: `get` answers `null` for no row. */
function open(path: string): SqlDatabase {
  const db = new Database(path, { create: true })
  return {
    prepare<Row extends object = SqlRow>(sql: string): SqlStatement<Row> {
      const statement = db.prepare(sql)
      return {
        run: (...params) => ({ changes: Number(statement.run(...params).changes) }),
        get: (...params) => (statement.get(...params) as Row | null) ?? undefined,
        all: (...params) => statement.all(...params) as Row[],
        iterate: (...params) => statement.iterate(...params) as IterableIterator<Row>,
      }
    },
    exec: (sql) => {
      db.exec(sql)
    },
    transaction: transactionRunner((sql) => db.prepare(sql)),
    close: () => db.close(),
  }
}

export const bunSqliteDriver: SqlDriver = { name: 'bun:sqlite', open }
