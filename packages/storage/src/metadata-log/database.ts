import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { InvalidConfigError, StorageError } from '@tributary/core'
import { loadDriver, type SqlDatabase, type SqlDriver } from '../driver/index.ts'
import { createTableSql } from '../schema/index.ts'
import { controllerLease, metadataLogEntries } from './tables.ts'

/** The file the embedded metadata backend keeps in its directory. */
export const METADATA_FILE = 'metadata.sqlite'

/**
 * How long a connection waits for another connection's write lock before failing (SQLite's
 * `busy_timeout`). Transactions on this file are a few rows, so a wait is short; without it a
 * second process would fail at once with SQLITE_BUSY.
 */
export const DEFAULT_METADATA_BUSY_TIMEOUT_MS = 5_000

/** Where the metadata file is: a directory (holding {@link METADATA_FILE}) or the file itself. */
export type MetadataLocation =
  | { readonly dir: string; readonly path?: undefined }
  | { readonly path: string; readonly dir?: undefined }

export interface MetadataFileOptions {
  /** Default: the driver for the current runtime (see loadDriver). */
  readonly driver?: SqlDriver
  /** Default {@link DEFAULT_METADATA_BUSY_TIMEOUT_MS}. */
  readonly busyTimeoutMs?: number
}

const DDL = [createTableSql(metadataLogEntries), createTableSql(controllerLease)].join(';\n')

/** The metadata file's path for `location`. */
export function metadataPath(location: MetadataLocation): string {
  if (typeof location.path === 'string') return location.path
  if (typeof location.dir === 'string') return join(location.dir, METADATA_FILE)
  throw new InvalidConfigError('embedded metadata: give `dir` or `path`')
}

/**
 * Opens (creating if missing) the metadata file: WAL, so readers never block the appender;
 * `synchronous=FULL`, so a commit is on disk when it returns (metadata is tiny and must survive
 * a power cut); both tables created in one transaction, so concurrent openers agree.
 */
export async function openMetadataDatabase(
  location: MetadataLocation,
  options: MetadataFileOptions,
): Promise<{ readonly db: SqlDatabase; readonly path: string }> {
  const path = metadataPath(location)
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_METADATA_BUSY_TIMEOUT_MS
  requirePositiveInteger('busyTimeoutMs', busyTimeoutMs)
  const driver = options.driver ?? (await loadDriver())
  let db: SqlDatabase | undefined
  try {
    mkdirSync(dirname(path), { recursive: true })
    db = driver.open(path)
    // busy_timeout first: switching to WAL takes a lock another opener may hold.
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`)
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL')
    const opened = db
    opened.transaction(() => {
      opened.exec(DDL)
      opened
        .prepare(
          'INSERT OR IGNORE INTO controller_lease (id, holder, controller_epoch, expires_at_ms) VALUES (0, NULL, 0, 0)',
        )
        .run()
    })
    return { db: opened, path }
  } catch (error) {
    db?.close()
    throw new StorageError(`cannot open metadata file ${path}`, { cause: error })
  }
}

/** Refuses an option that is not a positive integer (a zero interval would spin). */
export function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidConfigError(`embedded metadata: ${name} must be a positive integer`)
  }
}
