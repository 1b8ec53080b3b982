import type { ConsumedRecord, RecordHeader } from '../rest/index.ts'
import { utf8OfBase64 } from '../rest/index.ts'

/**
 * One consumed record as kafka-console-consumer's DefaultMessageFormatter prints it: the
 * enabled fields in Kafka's order (timestamp, partition, offset, headers, key, value), joined
 * by `key.separator`, ended by `line.separator`. Pure.
 */

export interface RecordFormat {
  readonly printKey: boolean
  readonly printValue: boolean
  readonly printTimestamp: boolean
  readonly printHeaders: boolean
  readonly printPartition: boolean
  readonly printOffset: boolean
  readonly keySeparator: string
  readonly lineSeparator: string
  readonly headersSeparator: string
  readonly headersKeySeparator: string
  readonly nullLiteral: string
}

/** Kafka's defaults: the value alone, a tab between fields, `null` for a missing key. */
export const DEFAULT_RECORD_FORMAT: RecordFormat = {
  printKey: false,
  printValue: true,
  printTimestamp: false,
  printHeaders: false,
  printPartition: false,
  printOffset: false,
  keySeparator: '\t',
  lineSeparator: '\n',
  headersSeparator: ',',
  headersKeySeparator: ':',
  nullLiteral: 'null',
}

const TIMESTAMP_TYPES: Readonly<Record<string, string>> = {
  CREATE_TIME: 'CreateTime',
  CREATETIME: 'CreateTime',
  LOG_APPEND_TIME: 'LogAppendTime',
  LOGAPPENDTIME: 'LogAppendTime',
}

/** Milliseconds since the epoch from a number or an RFC 3339 string; null when absent. */
export const timestampMs = (timestamp: ConsumedRecord['timestamp']): number | null => {
  if (typeof timestamp === 'number') return timestamp >= 0 ? timestamp : null
  if (typeof timestamp === 'string' && timestamp !== '') {
    const numeric = Number(timestamp)
    if (Number.isFinite(numeric)) return numeric >= 0 ? numeric : null
    const parsed = Date.parse(timestamp)
    return Number.isNaN(parsed) ? null : parsed
  }
  return null
}

/** `CreateTime:1700000000000`, or Kafka's `NO_TIMESTAMP`. */
export const formatTimestamp = (record: ConsumedRecord): string => {
  const ms = timestampMs(record.timestamp)
  if (ms === null) return 'NO_TIMESTAMP'
  const raw = (record.timestamp_type ?? '').toUpperCase()
  return `${TIMESTAMP_TYPES[raw] ?? 'CreateTime'}:${ms}`
}

/** Bytes as UTF-8 text; a missing key or value prints as `null.literal`. */
const textOf = (base64: string | null | undefined, format: RecordFormat): string =>
  base64 === null || base64 === undefined ? format.nullLiteral : utf8OfBase64(base64)

const headerName = (header: RecordHeader): string => header.name ?? header.key ?? ''

/** `k1:v1,k2:v2`, or Kafka's `NO_HEADERS`. */
export const formatHeaders = (headers: ConsumedRecord['headers'], format: RecordFormat): string => {
  if (!headers || headers.length === 0) return 'NO_HEADERS'
  return headers
    .map(
      (header) =>
        `${headerName(header)}${format.headersKeySeparator}${textOf(header.value, format)}`,
    )
    .join(format.headersSeparator)
}

export const formatRecord = (record: ConsumedRecord, format: RecordFormat): string => {
  const fields: string[] = []
  if (format.printTimestamp) fields.push(formatTimestamp(record))
  if (format.printPartition) fields.push(`Partition:${record.partition}`)
  if (format.printOffset) fields.push(`Offset:${record.offset}`)
  if (format.printHeaders) fields.push(formatHeaders(record.headers, format))
  if (format.printKey) fields.push(textOf(record.key, format))
  if (format.printValue) fields.push(textOf(record.value, format))
  return `${fields.join(format.keySeparator)}${format.lineSeparator}`
}
