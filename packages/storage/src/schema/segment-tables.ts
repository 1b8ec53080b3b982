import { blob, integer, sqliteTable } from 'drizzle-orm/sqlite-core'

/**
 * What one segment file (`<20-digit base offset>.sqlite`) holds.
 *
 * `batches`: one row per Kafka RecordBatch v2, keyed by its base offset (an INTEGER PRIMARY KEY,
 * so SQLite's rowid: range reads by offset walk the table's own b-tree, no second index). The
 * header fields a broker filters on are copied into columns; `bytes` holds the whole batch exactly
 * as fetched, and stays the last column so that reading the small columns of a row never pulls in
 * the blob's overflow pages.
 */
export const batches = sqliteTable('batches', {
  baseOffset: integer('base_offset').primaryKey(),
  lastOffset: integer('last_offset').notNull(),
  baseTimestamp: integer('base_timestamp').notNull(),
  maxTimestamp: integer('max_timestamp').notNull(),
  leaderEpoch: integer('leader_epoch').notNull(),
  producerId: integer('producer_id').notNull(),
  producerEpoch: integer('producer_epoch').notNull(),
  baseSequence: integer('base_sequence').notNull(),
  recordCount: integer('record_count').notNull(),
  attributes: integer('attributes').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  bytes: blob('bytes').notNull(),
})

/**
 * One row (id 0) of running totals, updated in the same transaction as each append so opening a
 * segment never scans it. `createdAtMs` is the wall-clock time of the first append (null while
 * empty): `segment.ms` rolls are measured from it.
 */
export const segmentInfo = sqliteTable('segment_info', {
  id: integer('id').primaryKey(),
  baseOffset: integer('base_offset').notNull(),
  createdAtMs: integer('created_at_ms'),
  sizeBytes: integer('size_bytes').notNull(),
  batchCount: integer('batch_count').notNull(),
  maxTimestamp: integer('max_timestamp').notNull(),
})

/**
 * The leader-epoch entries (epoch → first offset) for the batches in this segment, written in the
 * same transaction as those batches, so the epoch history can never disagree with the data. Each
 * non-empty segment also records the epoch of its first batch at that batch's offset, so the
 * history survives the deletion of older segments. The partition's cache is the fold of all
 * segments' entries (see `epoch/`).
 */
export const segmentEpochs = sqliteTable('leader_epochs', {
  epoch: integer('epoch').primaryKey(),
  startOffset: integer('start_offset').notNull(),
})
