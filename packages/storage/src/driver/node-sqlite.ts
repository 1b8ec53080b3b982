/// <reference path="./native-sqlite.d.ts" />
import { DatabaseSync } from 'node:sqlite'
import { transactionRunner } from './transaction.ts'
import type { SqlDatabase, SqlDriver, SqlRow, SqlStatement } from './types.ts'

/**
 * Deno's driver (`node:sqlite`, whose `DatabaseSync` Deno implements). It would serve Node 22.5+
 * too, but Node 20 has no `node:sqlite`, so on Node the default stays better-sqlite3.
 * Differences smoothed over: `changes` may be a bigint.
 */
function open(path: string): SqlDatabase {
  const db = new DatabaseSync(path)
  return {
    prepare<Row extends object = SqlRow>(sql: string): SqlStatement<Row> {
      const statement = db.prepare(sql)
      return {
        run: (...params) => ({ changes: Number(statement.run(...params).changes) }),
        get: (...params) => statement.get(...params) as Row | undefined,
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

export const nodeSqliteDriver: SqlDriver = { name: 'node:sqlite', open }
