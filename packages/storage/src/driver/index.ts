import type { SqlDriver } from './types.ts'

export type {
  SqlDatabase,
  SqlDriver,
  SqlDriverName,
  SqlRow,
  SqlRunResult,
  SqlStatement,
  SqlValue,
} from './types.ts'

/**
 * The driver for the runtime this code runs on: `bun:sqlite` on Bun, `node:sqlite` on Deno,
 * better-sqlite3 otherwise (Node). Loaded by dynamic import, so the other native modules are
 * never touched (better-sqlite3 does not load on Bun or Deno, `bun:sqlite` exists only on Bun).
 */
export async function loadDriver(): Promise<SqlDriver> {
  const runtime = globalThis as { Bun?: unknown; Deno?: unknown }
  if (runtime.Bun !== undefined) return (await import('./bun-sqlite.ts')).bunSqliteDriver
  if (runtime.Deno !== undefined) return (await import('./node-sqlite.ts')).nodeSqliteDriver
  return (await import('./better-sqlite3.ts')).betterSqlite3Driver
}
