import { ErrorCode, TributaryError } from '../errors/index.ts'
import { type MetadataRecord, metadataRecordSchema } from './records.ts'

/** A record as the metadata log stores it: JSON text. */
export function encodeMetadataRecord(record: MetadataRecord): string {
  return JSON.stringify(metadataRecordSchema.parse(record))
}

/**
 * A stored record back, checked against its schema. Damaged or unknown entries are refused with
 * a message naming what is wrong: replaying a record that is not understood would make this
 * process's view of the cluster silently differ from everyone else's.
 */
export function decodeMetadataRecord(text: string): MetadataRecord {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new TributaryError(ErrorCode.CorruptMessage, 'metadata record is not JSON', {
      cause: error,
      retriable: false,
    })
  }
  const parsed = metadataRecordSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') || 'record'
    throw new TributaryError(
      ErrorCode.CorruptMessage,
      `invalid metadata record: ${where}: ${issue?.message ?? 'unknown problem'}`,
      { retriable: false },
    )
  }
  return parsed.data
}
