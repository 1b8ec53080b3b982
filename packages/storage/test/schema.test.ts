import { join } from 'node:path'
import { getTableConfig, integer, type SQLiteTable, sqliteTable } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { loadDriver } from '../src/index.ts'
import {
  batches,
  createTableSql,
  PARTITION_STATE_FILE,
  PartitionStateFile,
  parseSegmentFileName,
  partitionState,
  Segment,
  segmentEpochs,
  segmentFileName,
  segmentInfo,
} from '../src/internal.ts'
import { tempDir } from './helpers.ts'

interface ColumnInfo {
  name: string
  type: string
  notnull: number
  pk: number
}

/** The columns SQLite reports for `table` in the file at `path`, against drizzle's definition. */
async function compare(path: string, table: SQLiteTable) {
  const driver = await loadDriver()
  const db = driver.open(path)
  const config = getTableConfig(table)
  const actual = db
    .prepare<ColumnInfo>(`PRAGMA table_info(${config.name})`)
    .all()
    .map((column) => ({
      name: column.name,
      type: column.type,
      notNull: column.notnull === 1 || column.pk === 1,
      primary: column.pk === 1,
    }))
  const journal = db.prepare<{ journal_mode: string }>('PRAGMA journal_mode').get()
  db.close()
  const expected = config.columns.map((column) => ({
    name: column.name,
    type: column.getSQLType().toUpperCase(),
    notNull: column.notNull,
    primary: column.primary,
  }))
  return { actual, expected, journalMode: journal?.journal_mode }
}

describe('segment file names', () => {
  it('are the base offset zero-padded to 20 digits', () => {
    expect(segmentFileName(0)).toBe('00000000000000000000.sqlite')
    expect(segmentFileName(1234)).toBe('00000000000000001234.sqlite')
    expect(parseSegmentFileName('00000000000000001234.sqlite')).toBe(1234)
    expect(parseSegmentFileName(segmentFileName(2 ** 40))).toBe(2 ** 40)
  })

  it('parse nothing else', () => {
    for (const name of [PARTITION_STATE_FILE, '1234.sqlite', '00000000000000001234.sqlite-wal']) {
      expect(parseSegmentFileName(name)).toBeUndefined()
    }
  })
})

describe('schema', () => {
  it('segment files hold exactly the drizzle-defined tables, in WAL mode', async () => {
    const dir = tempDir()
    const driver = await loadDriver()
    Segment.open(driver, dir, 42, 'FULL').close()
    const path = join(dir, segmentFileName(42))
    for (const table of [batches, segmentInfo, segmentEpochs]) {
      const { actual, expected, journalMode } = await compare(path, table)
      expect(actual).toEqual(expected)
      expect(journalMode).toBe('wal')
    }
    // The blob stays the last column, so reading a row's header columns skips its overflow pages.
    expect(getTableConfig(batches).columns.at(-1)?.name).toBe('bytes')
  })

  it('the partition state file holds the drizzle-defined table', async () => {
    const dir = tempDir()
    PartitionStateFile.open(await loadDriver(), dir, 'NORMAL').close()
    const { actual, expected } = await compare(join(dir, PARTITION_STATE_FILE), partitionState)
    expect(actual).toEqual(expected)
  })

  it('a segment whose stored base offset disagrees with its name is refused', async () => {
    const dir = tempDir()
    const driver = await loadDriver()
    Segment.open(driver, dir, 7, 'FULL').close()
    const db = driver.open(join(dir, segmentFileName(7)))
    db.prepare('UPDATE segment_info SET base_offset = 8').run()
    db.close()
    expect(() => Segment.open(driver, dir, 7, 'FULL')).toThrow(/base offset/)
  })

  it('DDL derivation refuses constraints it cannot render', () => {
    const table = sqliteTable('t', { a: integer('a').references(() => batches.baseOffset) })
    expect(() => createTableSql(table)).toThrow(/constraint/)
    expect(createTableSql(segmentEpochs)).toBe(
      'CREATE TABLE IF NOT EXISTS "leader_epochs" ("epoch" INTEGER PRIMARY KEY, "start_offset" INTEGER NOT NULL)',
    )
  })
})
