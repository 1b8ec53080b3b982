import { integer, sqliteTable } from 'drizzle-orm/sqlite-core'

/**
 * The partition's own small state file (`partition.sqlite`): one row (id 0) holding the log start
 * offset (moved by DeleteRecords and retention) and the high-watermark checkpoint. SQLite makes
 * each update atomic and durable without hand-rolled temp-file-and-rename writes.
 */
export const partitionState = sqliteTable('partition_state', {
  id: integer('id').primaryKey(),
  logStartOffset: integer('log_start_offset').notNull(),
  highWatermark: integer('high_watermark').notNull(),
})
