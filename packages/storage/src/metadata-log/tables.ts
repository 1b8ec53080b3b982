import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * The embedded metadata backend's file (`metadata.sqlite`): the metadata log and the controller
 * lease side by side, so combined mode keeps its whole control plane in one durable file.
 */

/**
 * One row per metadata record. `offset` is an INTEGER PRIMARY KEY (the rowid), assigned by the
 * appender as last + 1, so offsets run from 0 without gaps and reads by offset walk the table's
 * own b-tree. `record` is the JSON text of core's encodeMetadataRecord.
 */
export const metadataLogEntries = sqliteTable('metadata_log', {
  offset: integer('offset').primaryKey(),
  controllerEpoch: integer('controller_epoch').notNull(),
  timestamp: integer('timestamp').notNull(),
  record: text('record').notNull(),
})

/**
 * One row (id 0): who holds the controller lease, the epoch of that term, and when the lease
 * runs out (ms, on the candidates' clock). `holder` is null once resigned; the epoch stays, so the
 * next term is always one more than the last, also across restarts.
 */
export const controllerLease = sqliteTable('controller_lease', {
  id: integer('id').primaryKey(),
  holder: text('holder'),
  controllerEpoch: integer('controller_epoch').notNull(),
  expiresAtMs: integer('expires_at_ms').notNull(),
})
