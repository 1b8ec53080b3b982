/**
 * The parts of `bun:sqlite` and `node:sqlite` the drivers use. `@types/node@20` predates
 * `node:sqlite` and no Bun types are installed, so these few lines stand in for both.
 */

declare module 'bun:sqlite' {
  type NativeSqlValue = number | bigint | string | Uint8Array | null
  interface Statement {
    run(...params: NativeSqlValue[]): { changes: number; lastInsertRowid: number | bigint }
    get(...params: NativeSqlValue[]): unknown
    all(...params: NativeSqlValue[]): unknown[]
    iterate(...params: NativeSqlValue[]): IterableIterator<unknown>
  }
  export class Database {
    constructor(filename: string, options?: { create?: boolean; readonly?: boolean })
    prepare(sql: string): Statement
    exec(sql: string): void
    close(): void
  }
}

declare module 'node:sqlite' {
  type NativeSqlValue = number | bigint | string | Uint8Array | null
  interface StatementSync {
    run(...params: NativeSqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint }
    get(...params: NativeSqlValue[]): unknown
    all(...params: NativeSqlValue[]): unknown[]
    iterate(...params: NativeSqlValue[]): IterableIterator<unknown>
  }
  export class DatabaseSync {
    constructor(path: string)
    prepare(sql: string): StatementSync
    exec(sql: string): void
    close(): void
  }
}
