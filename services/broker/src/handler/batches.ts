import {
  batchSizeOf,
  ErrorCode,
  RecordTooLargeError,
  readBatchHeader,
  splitBatches,
  TributaryError,
  verifyBatchCrc,
} from '@tributary/core'

/**
 * The batches of a produce request's records field: one or more RecordBatch v2, concatenated.
 * A truncated or foreign batch refuses the whole request (CORRUPT_MESSAGE), as does an empty
 * records field (INVALID_REQUEST).
 */
export function producedBatches(records: Uint8Array, maxMessageBytes: number): Uint8Array[] {
  const batches = splitBatches(records)
  if (batches.length === 0) {
    throw new TributaryError(ErrorCode.InvalidRequest, 'a produce request must carry a batch')
  }
  // The log checks each batch as it takes it; with several, a bad one must refuse the request
  // before any is appended, so they are checked here first (one batch is left to the log alone).
  if (batches.length > 1) {
    for (const batch of batches) checkBatch(batch, maxMessageBytes)
  }
  return batches
}

function checkBatch(batch: Uint8Array, maxMessageBytes: number): void {
  const header = readBatchHeader(batch)
  const size = batchSizeOf(header)
  if (size > maxMessageBytes) {
    throw new RecordTooLargeError(
      `record batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`,
    )
  }
  verifyBatchCrc(batch)
  if (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) {
    throw new TributaryError(
      ErrorCode.InvalidRecord,
      `record batch claims ${header.recordCount} record(s) with last offset delta ${header.lastOffsetDelta}`,
    )
  }
}

/** Stored batches as one buffer, as a fetch response carries them. */
export function concatBatches(batches: readonly Uint8Array[], sizeBytes: number): Uint8Array {
  if (batches.length === 1 && batches[0] !== undefined) return batches[0]
  const out = new Uint8Array(sizeBytes)
  let at = 0
  for (const batch of batches) {
    out.set(batch, at)
    at += batch.length
  }
  return out
}
