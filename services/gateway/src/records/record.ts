import type { RecordHeader } from '@tributary/core'

/** A record parsed from a produce request, its key and value already bytes. */
export interface ProduceRecord {
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  readonly headers: readonly RecordHeader[]
  /** Create time in ms; the gateway's clock when absent. */
  readonly timestamp?: number | undefined
  /** The partition the record asks for; chosen by key or round robin when absent. */
  readonly partition?: number | undefined
}

const encoder = new TextEncoder()

/** A JSON value as the REST Proxy's JSON serializer writes it: compact UTF-8 text; null stays null. */
export function jsonBytes(value: unknown): Uint8Array | null {
  if (value === undefined || value === null) return null
  return encoder.encode(JSON.stringify(value))
}

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text)
}
