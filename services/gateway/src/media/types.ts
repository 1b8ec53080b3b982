import { unsupportedMediaType } from '../errors/index.ts'
import { essence, negotiate, type Offer } from './negotiate.ts'

/** The media types of the REST Proxy's APIs. */
export const MediaType = {
  /** v2 metadata and every v2 response. */
  V2: 'application/vnd.kafka.v2+json',
  /** v2 records whose keys and values are base64 strings. */
  V2Binary: 'application/vnd.kafka.binary.v2+json',
  /** v2 records whose keys and values are any JSON. */
  V2Json: 'application/vnd.kafka.json.v2+json',
  V2Avro: 'application/vnd.kafka.avro.v2+json',
  V2JsonSchema: 'application/vnd.kafka.jsonschema.v2+json',
  V2Protobuf: 'application/vnd.kafka.protobuf.v2+json',
  /** The REST Proxy's version-less alias, accepted in Accept headers. */
  KafkaDefault: 'application/vnd.kafka+json',
  Json: 'application/json',
  /** Server-Sent Events: a consumer instance's records as a stream. */
  EventStream: 'text/event-stream',
} as const

/** The embedded formats of v2 records that need no Schema Registry. */
export type EmbeddedFormat = 'binary' | 'json'

/**
 * What a v2 metadata or produce response may be sent as, with the REST Proxy's weights:
 * vnd.kafka.v2+json first, then the version-less alias, then plain JSON.
 */
export const v2ResponseOffers: readonly Offer[] = [
  { type: MediaType.V2, qs: 0.9 },
  { type: MediaType.KafkaDefault, qs: 0.8 },
  { type: MediaType.Json, qs: 0.5 },
]

/** What a partition read may be sent as: the embedded format is chosen by Accept. */
export const recordsResponseOffers: readonly Offer[] = [
  { type: MediaType.V2Binary, qs: 1 },
  { type: MediaType.V2Json, qs: 1 },
  { type: MediaType.V2, qs: 0.9 },
  { type: MediaType.Json, qs: 0.5 },
]

export const v3ResponseOffers: readonly Offer[] = [{ type: MediaType.Json, qs: 1 }]

/**
 * What the v2 consumer control calls may answer as: the v2 types, and, at a low weight, the
 * embedded types, as the REST Proxy's consumers resource declares them (so a client that sends
 * its format's type in every Accept header is served).
 */
export const v2ConsumerResponseOffers: readonly Offer[] = [
  ...v2ResponseOffers,
  { type: MediaType.V2Binary, qs: 0.1 },
  { type: MediaType.V2Json, qs: 0.1 },
]

/**
 * The type of a consumer instance's records: its embedded format's type when Accept names it,
 * or names a format-less type (vnd.kafka.v2+json, application/json, a wildcard) or nothing;
 * undefined (406/40601) when Accept asks for another format.
 */
export function consumerRecordsType(
  accept: string | undefined,
  format: EmbeddedFormat,
): string | undefined {
  const embedded = format === 'json' ? MediaType.V2Json : MediaType.V2Binary
  const offers: readonly Offer[] = [{ type: embedded, qs: 1 }, ...v2ResponseOffers]
  return negotiate(accept, offers) === undefined ? undefined : embedded
}

/** Whether Accept asks, by name, for Server-Sent Events. */
export function wantsEventStream(accept: string | undefined): boolean {
  if (accept === undefined || !accept.toLowerCase().includes(MediaType.EventStream)) return false
  return negotiate(accept, [{ type: MediaType.EventStream, qs: 1 }]) !== undefined
}

/**
 * Checks the Content-Type of a v2 consumer call's body: JSON in any of the v2 types (or none,
 * taken as JSON), as the REST Proxy's consumers resource consumes them; 415 otherwise.
 */
export function requireConsumerBody(contentType: string | undefined): void {
  const type = essence(contentType)
  if (type === undefined || type === MediaType.Json || type === MediaType.KafkaDefault) return
  if (/^application\/vnd\.kafka(\.[a-z]+)?\.v2\+json$/.test(type)) return
  throw unsupportedMediaType(
    `v2 consumer calls take ${MediaType.V2} or ${MediaType.Json}, not ${type}`,
  )
}

/** The type of a v2 response for this Accept header, or undefined for a 406. */
export function v2ResponseType(accept: string | undefined): string | undefined {
  return negotiate(accept, v2ResponseOffers)
}

/**
 * The embedded format a partition read answers in. The binary and json types name it; a
 * format-less type (vnd.kafka.v2+json, application/json, a wildcard, no Accept) reads binary,
 * the REST Proxy consumer's default format. Undefined for a 406.
 */
export function recordsResponseFormat(
  accept: string | undefined,
): { format: EmbeddedFormat; type: string } | undefined {
  const type = negotiate(accept, recordsResponseOffers)
  if (type === undefined) return undefined
  if (type === MediaType.V2Json) return { format: 'json', type }
  return { format: 'binary', type: MediaType.V2Binary }
}

/** Whether a v3 client accepts JSON. */
export function acceptsJson(accept: string | undefined): boolean {
  return negotiate(accept, v3ResponseOffers) !== undefined
}

const schemaFormats: ReadonlySet<string> = new Set([
  MediaType.V2Avro,
  MediaType.V2JsonSchema,
  MediaType.V2Protobuf,
])

/**
 * The embedded format of a v2 produce body, from its Content-Type. Only the binary and json
 * types are accepted; anything else (none, plain JSON, the schema formats, which need a Schema
 * Registry) is a 415, as the REST Proxy's produce resources answer for types they do not declare.
 */
export function produceFormat(contentType: string | undefined): EmbeddedFormat {
  const type = essence(contentType)
  if (type === MediaType.V2Binary) return 'binary'
  if (type === MediaType.V2Json) return 'json'
  if (type !== undefined && schemaFormats.has(type)) {
    throw unsupportedMediaType(
      `${type} needs a Schema Registry, which this gateway does not have; send ${MediaType.V2Binary} or ${MediaType.V2Json}`,
    )
  }
  throw unsupportedMediaType(
    `v2 produce takes ${MediaType.V2Binary} or ${MediaType.V2Json}${type === undefined ? '' : `, not ${type}`}`,
  )
}

/** Checks a v3 request body is JSON (a missing Content-Type is taken as JSON). */
export function requireJsonBody(contentType: string | undefined): void {
  const type = essence(contentType)
  if (type !== undefined && type !== MediaType.Json) {
    throw unsupportedMediaType(`v3 takes ${MediaType.Json}, not ${type}`)
  }
}
