import { z } from '@hono/zod-openapi'
import type { StoredRecord } from '@tributary/core'
import { RestError, RestErrorCode } from '../errors/index.ts'
import type { EmbeddedFormat } from '../media/index.ts'
import { encodeBase64 } from './base64.ts'

/**
 * A record as a partition read returns it: the REST Proxy v2 consumer's
 * `{topic, key, value, partition, offset}` plus `timestamp` (ms since the epoch) and `headers`,
 * encoded as the v3 produce request takes them (`[{name, value}]`, value base64 or null), so a
 * record read back can be produced again unchanged.
 */
export const consumedRecordSchema = z
  .object({
    topic: z.string(),
    key: z
      .unknown()
      .openapi({ description: 'base64 (binary) or the JSON value (json); null when absent' }),
    value: z
      .unknown()
      .openapi({ description: 'base64 (binary) or the JSON value (json); null when absent' }),
    partition: z.number().int(),
    offset: z.number().int(),
    timestamp: z.number().int().openapi({ description: 'ms since the Unix epoch' }),
    headers: z.array(z.object({ name: z.string(), value: z.string().nullable() })),
  })
  .openapi('ConsumedRecord')

export type ConsumedRecord = z.infer<typeof consumedRecordSchema>

const decoder = new TextDecoder('utf-8', { fatal: true })

export function renderRecord(
  topic: string,
  partition: number,
  record: StoredRecord,
  format: EmbeddedFormat,
): ConsumedRecord {
  const field = (bytes: Uint8Array | null, name: string): unknown => {
    if (bytes === null) return null
    if (format === 'binary') return encodeBase64(bytes)
    try {
      return JSON.parse(decoder.decode(bytes))
    } catch {
      throw notJson(name, record.offset)
    }
  }
  return {
    topic,
    key: field(record.key, 'key'),
    value: field(record.value, 'value'),
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    headers: record.headers.map((header) => ({
      name: header.key,
      value: header.value === null ? null : encodeBase64(header.value),
    })),
  }
}

export function notJson(name: string, offset: number): RestError {
  return new RestError(
    RestErrorCode.FormatMismatch,
    `The ${name} of the record at offset ${offset} is not JSON; read it as application/vnd.kafka.binary.v2+json`,
  )
}
