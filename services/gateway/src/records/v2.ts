import { z } from '@hono/zod-openapi'
import { RestError, RestErrorCode, unprocessable } from '../errors/index.ts'
import type { EmbeddedFormat } from '../media/index.ts'
import { decodeBase64 } from './base64.ts'
import { describeIssues } from './issues.ts'
import { jsonBytes, type ProduceRecord } from './record.ts'

/*
 * The v2 produce body: `{records: [{key?, value?, partition?}]}`. Binary records carry base64
 * strings; JSON records carry any JSON. The schema fields the REST Proxy takes for Avro,
 * JSON Schema and Protobuf are accepted and ignored (those formats are refused by media type).
 */

const partition = z.number().int().min(0).nullable().optional().openapi({
  description: 'The partition to write to; by key (murmur2) or round robin when absent.',
})

const schemaFields = {
  key_schema: z.string().nullable().optional(),
  key_schema_id: z.number().int().nullable().optional(),
  value_schema: z.string().nullable().optional(),
  value_schema_id: z.number().int().nullable().optional(),
}

export const v2BinaryRecordSchema = z
  .object({
    key: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'base64 bytes; absent or null for no key', example: 'a2V5' }),
    value: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'base64 bytes; null for a tombstone', example: 'dmFsdWU=' }),
    partition,
  })
  .openapi('V2BinaryRecord')

export const v2JsonRecordSchema = z
  .object({
    key: z.unknown().optional().openapi({
      description: 'any JSON, written as compact JSON text; null for no key',
      example: 'user-1',
    }),
    value: z
      .unknown()
      .optional()
      .openapi({ description: 'any JSON, written as compact JSON text', example: { amount: 3 } }),
    partition,
  })
  .openapi('V2JsonRecord')

const records = (record: z.ZodType) =>
  z.array(record).min(1, { message: 'records may not be empty' })

export const v2BinaryProduceRequestSchema = z
  .object({ records: records(v2BinaryRecordSchema), ...schemaFields })
  .openapi('V2BinaryProduceRequest')

export const v2JsonProduceRequestSchema = z
  .object({ records: records(v2JsonRecordSchema), ...schemaFields })
  .openapi('V2JsonProduceRequest')

interface RawRecord {
  readonly key?: unknown
  readonly value?: unknown
  readonly partition?: number | null | undefined
}

/** An absent body, as the REST Proxy refuses it. */
export const emptyBody = () => unprocessable('Request body is empty. Data is required.')

/**
 * The records of a v2 produce body. Shape errors are 422 naming the field; a key or value that
 * is not base64 in a binary request is 422/42207.
 */
export function parseV2Records(body: unknown, format: EmbeddedFormat): ProduceRecord[] {
  if (body === undefined) throw emptyBody()
  const schema = format === 'binary' ? v2BinaryProduceRequestSchema : v2JsonProduceRequestSchema
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
  const raw = parsed.data.records as readonly RawRecord[]
  return raw.map((record, index) => {
    const bytes =
      format === 'binary'
        ? (field: 'key' | 'value') => binaryField(record[field], `records[${index}].${field}`)
        : (field: 'key' | 'value') => jsonBytes(record[field])
    return {
      key: bytes('key'),
      value: bytes('value'),
      headers: [],
      partition: record.partition ?? undefined,
    }
  })
}

function binaryField(value: unknown, where: string): Uint8Array | null {
  if (value === undefined || value === null) return null
  const bytes = decodeBase64(value as string)
  if (bytes === undefined) {
    throw new RestError(RestErrorCode.SerializationError, `${where} is not valid base64`)
  }
  return bytes
}
