import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadDriver } from '../src/driver/index.ts'
import { plain, runtimeName, tempDir } from './helpers.ts'

/**
 * One contract for the driver seam, run against whichever implementation the executing runtime
 * selects: `npm test` covers better-sqlite3, `test:bun` bun:sqlite and `test:deno` node:sqlite.
 */
const expectedDriver = { node: 'better-sqlite3', bun: 'bun:sqlite', deno: 'node:sqlite' } as const

async function openTemp() {
  const driver = await loadDriver()
  const path = join(tempDir(), 'contract.sqlite')
  const db = driver.open(path)
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT, b BLOB)')
  return { driver, path, db }
}

describe(`SQLite driver contract (${runtimeName()})`, () => {
  it('selects the implementation for the runtime', async () => {
    const driver = await loadDriver()
    expect(driver.name).toBe(expectedDriver[runtimeName()])
  })

  it('binds positional parameters and reports changes', async () => {
    const { db } = await openTemp()
    const insert = db.prepare('INSERT INTO t (id, n, s, b) VALUES (?, ?, ?, ?)')
    expect(insert.run(1, 10, 'one', null)).toMatchObject({ changes: 1 })
    expect(insert.run(2, 20, null, null).changes).toBe(1)
    expect(db.prepare('UPDATE t SET n = n + 1').run().changes).toBe(2)
    expect(db.prepare('DELETE FROM t WHERE id > ?').run(5).changes).toBe(0)
    db.close()
  })

  it('returns integers as numbers, also beyond 32 bits, and bigint parameters bind', async () => {
    const { db } = await openTemp()
    const big = 2 ** 52 + 7
    db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run(1, big)
    db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run(2, 5n)
    const rows = db.prepare<{ id: unknown; n: unknown }>('SELECT id, n FROM t ORDER BY id').all()
    expect(rows.map((row) => ({ ...row }))).toEqual([
      { id: 1, n: big },
      { id: 2, n: 5 },
    ])
    expect(typeof rows[0]?.n).toBe('number')
    db.close()
  })

  it('round-trips BLOBs as Uint8Array, from Uint8Array views too', async () => {
    const { db } = await openTemp()
    const backing = new Uint8Array([9, 9, 1, 2, 3, 0, 255, 9])
    const view = backing.subarray(2, 7)
    db.prepare('INSERT INTO t (id, n, b) VALUES (?, ?, ?)').run(1, 0, view)
    const row = db.prepare<{ b: unknown }>('SELECT b FROM t WHERE id = ?').get(1)
    expect(row?.b).toBeInstanceOf(Uint8Array)
    expect(plain(row?.b as Uint8Array)).toEqual(new Uint8Array([1, 2, 3, 0, 255]))
    db.close()
  })

  it('get answers undefined for no row; all answers [] for none', async () => {
    const { db } = await openTemp()
    const select = db.prepare('SELECT * FROM t WHERE id = ?')
    expect(select.get(42)).toBeUndefined()
    expect(select.all(42)).toEqual([])
    db.close()
  })

  it('iterates lazily and can stop early, leaving the statement reusable', async () => {
    const { db } = await openTemp()
    db.exec('PRAGMA journal_mode=WAL')
    const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)')
    for (let id = 1; id <= 10; id++) insert.run(id, id * 2)
    const select = db.prepare<{ id: number }>('SELECT id FROM t WHERE id >= ? ORDER BY id')
    const seen: number[] = []
    for (const row of select.iterate(3)) {
      seen.push(row.id)
      if (seen.length === 2) break
    }
    expect(seen).toEqual([3, 4])
    // The connection is free again: writes and a fresh iteration work, and no read snapshot is
    // left open (a full checkpoint is not blocked, so the WAL cannot grow without bound).
    insert.run(11, 22)
    expect([...select.iterate(9)].map((row) => row.id)).toEqual([9, 10, 11])
    for (const _ of select.iterate(1)) break
    const checkpoint = db.prepare<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)').get()
    expect(checkpoint?.busy).toBe(0)
    db.close()
  })

  it('commits a transaction, and rolls back one that throws', async () => {
    const { db } = await openTemp()
    const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)')
    const count = db.prepare<{ c: number }>('SELECT count(*) AS c FROM t')
    const committed = db.transaction(() => {
      insert.run(1, 1)
      insert.run(2, 2)
      return 'done'
    })
    expect(committed).toBe('done')
    expect(count.get()?.c).toBe(2)
    expect(() =>
      db.transaction(() => {
        insert.run(3, 3)
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(count.get()?.c).toBe(2)
    // A constraint violation inside a transaction also rolls the whole of it back.
    expect(() =>
      db.transaction(() => {
        insert.run(4, 4)
        insert.run(1, 1)
      }),
    ).toThrow()
    expect(count.get()?.c).toBe(2)
    db.close()
  })

  it('runs in WAL mode with the requested synchronous level, and data survives reopening', async () => {
    const { driver, path, db } = await openTemp()
    db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL')
    const mode = db.prepare<{ journal_mode: string }>('PRAGMA journal_mode').get()
    expect(mode?.journal_mode).toBe('wal')
    expect(db.prepare<{ synchronous: number }>('PRAGMA synchronous').get()?.synchronous).toBe(2)
    db.prepare('INSERT INTO t (id, n, s) VALUES (?, ?, ?)').run(1, 7, 'kept')
    db.close()
    const again = driver.open(path)
    expect({ ...again.prepare('SELECT n, s FROM t').get() }).toEqual({ n: 7, s: 'kept' })
    again.close()
  })
})
