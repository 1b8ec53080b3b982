import { z } from '@hono/zod-openapi'
import type { RecordHeader } from '@tributary/core'
import { RestError, RestErrorCode, unprocessable } from '../errors/index.ts'
import { decodeBase64 } from './base64.ts'
import { describeIssues } from './issues.ts'
import { jsonBytes, type ProduceRecord, utf8Bytes } from './record.ts'

/*
 * One record of a v3 produce (`POST /v3/clusters/{c}/topics/{t}/records`), the REST Proxy's
 * ProduceRequest: typed key and value, base64 headers, an optional partition and timestamp.
 */

const dataTypes = ['BINARY', 'JSON', 'STRING', 'AVRO', 'JSONSCHEMA', 'PROTOBUF'] as const
const schemaTypes: ReadonlySet<string> = new Set(['AVRO', 'JSONSCHEMA', 'PROTOBUF'])

export const v3ProduceDataSchema = z
  .object({
    type: z.enum(dataTypes).optional().openapi({
      description:
        'BINARY: data is base64; JSON: data is any JSON, written as compact JSON text; STRING: data is a string, written as UTF-8. AVRO, JSONSCHEMA, PROTOBUF and a missing type need a Schema Registry and are refused with 42206.',
    }),
    data: z.unknown().optional(),
    subject: z.string().nullable().optional(),
    subject_name_strategy: z.string().nullable().optional(),
    schema_id: z.number().int().nullable().optional(),
    schema_version: z.number().int().nullable().optional(),
    schema: z.string().nullable().optional(),
  })
  .openapi('ProduceRequestData')

export const v3ProduceRequestSchema = z
  .object({
    partition_id: z.number().int().min(0).nullable().optional().openapi({
      description: 'The partition to write to; by key (murmur2) or round robin when absent.',
    }),
    headers: z
      .array(
        z.object({
          name: z.string(),
          value: z.string().nullable().optional().openapi({ description: 'base64 bytes, or null' }),
        }),
      )
      .optional(),
    key: v3ProduceDataSchema.nullable().optional(),
    value: v3ProduceDataSchema.nullable().optional(),
    timestamp: z.string().nullable().optional().openapi({
      description: 'RFC 3339 date-time; the gateway clock when absent',
      example: '2026-01-02T03:04:05.678Z',
    }),
  })
  .openapi('ProduceRequest')

/** What a delivery report says of a key or value: its type and serialized size. */
export interface DataInfo {
  readonly type: 'BINARY' | 'JSON' | 'STRING'
  readonly size: number
}

export interface V3Record {
  readonly record: ProduceRecord
  readonly key: DataInfo | undefined
  readonly value: DataInfo | undefined
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

type RawData = z.infer<typeof v3ProduceDataSchema>

/**
 * One v3 record. Shape errors are 422 naming the field; bad base64 is 422/42207; a schema-based
 * (or missing) type is 422/42206, the REST Proxy's answer without a Schema Registry.
 */
export function parseV3Record(body: unknown): V3Record {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw unprocessable('A produce request must be a JSON object')
  }
  const parsed = v3ProduceRequestSchema.safeParse(body)
  if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
  const request = parsed.data
  const key = data(request.key, 'key')
  const value = data(request.value, 'value')
  const headers: RecordHeader[] = (request.headers ?? []).map((header, index) => ({
    key: header.name,
    value:
      header.value === undefined || header.value === null
        ? null
        : base64(header.value, `headers[${index}].value`),
  }))
  return {
    record: {
      key: key?.bytes ?? null,
      value: value?.bytes ?? null,
      headers,
      timestamp: timestamp(request.timestamp),
      partition: request.partition_id ?? undefined,
    },
    key: key?.info,
    value: value?.info,
  }
}

function data(
  raw: RawData | null | undefined,
  field: 'key' | 'value',
): { bytes: Uint8Array | null; info: DataInfo } | undefined {
  if (raw === undefined || raw === null) return undefined
  const type = raw.type
  if (type === undefined || schemaTypes.has(type)) {
    throw new RestError(
      RestErrorCode.InvalidPayload,
      `${field}: Schema Registry must be configured when using schemas (give ${field}.type BINARY, JSON or STRING)`,
    )
  }
  let bytes: Uint8Array | null
  if (raw.data === undefined || raw.data === null) bytes = null
  else if (type === 'JSON') bytes = jsonBytes(raw.data)
  else if (typeof raw.data !== 'string') {
    throw unprocessable(`${field}.data must be a string for type ${type}`)
  } else bytes = type === 'BINARY' ? base64(raw.data, `${field}.data`) : utf8Bytes(raw.data)
  return { bytes, info: { type: type as DataInfo['type'], size: bytes?.length ?? 0 } }
}

function base64(text: string, where: string): Uint8Array {
  const bytes = decodeBase64(text)
  if (bytes === undefined) {
    throw new RestError(RestErrorCode.SerializationError, `${where} is not valid base64`)
  }
  return bytes
}

function timestamp(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null) return undefined
  const ms = rfc3339.test(text) ? Date.parse(text) : Number.NaN
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw unprocessable(`timestamp ${JSON.stringify(text)} is not an RFC 3339 date-time after 1970`)
  }
  return ms
}
