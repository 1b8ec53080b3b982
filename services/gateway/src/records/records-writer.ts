/**
 * The consumer's hot path: records rendered straight from batch bytes into one response buffer,
 * as JSON (the REST Proxy v2 record shape plus timestamp and headers, exactly what
 * `JSON.stringify(renderRecord(…))` writes) or as Server-Sent Events. No object, view or string
 * per record in the binary format: keys and values are base64-encoded from the batch into the
 * buffer, numbers written digit by digit. Measured on 100-byte values this is what made group
 * consumption cheaper than the JSON parse a client does on the other end.
 */
import type { RecordView } from '@tributary/core'
import type { EmbeddedFormat } from '../media/index.ts'
import { encodeBase64 } from './base64.ts'
import { notJson } from './render.ts'

/**
 * How records are framed: one JSON array, or one `record` event each. A writer itself writes
 * `json-items` (array items with commas between, no brackets) so per-partition bodies join.
 */
export type RecordsFraming = 'json-array' | 'event-stream'
type WriterFraming = 'json-items' | 'event-stream'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const BASE64 = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0))
const EQUALS = 0x3d
/** Bytes kept free before the first record (see {@link RecordsWriter.finishArray}). */
const LEAD = 1
const QUOTE = 0x22

const decoder = new TextDecoder('utf-8', { fatal: true })

/** What is constant for every record of one partition, encoded once. */
export interface PartitionFraming {
  readonly topic: string
  readonly partition: number
  /** `{"topic":"t","key":` */
  readonly head: Uint8Array
  /** `,"partition":p,"offset":` */
  readonly middle: Uint8Array
  /** `id: t:p:` (event-stream framing only) */
  readonly eventId: Uint8Array
}

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0))
const VALUE = ascii(',"value":')
const TIMESTAMP = ascii(',"timestamp":')
const HEADERS = ascii(',"headers":[')
const END = ascii(']}')
const NULL = ascii('null')
const EVENT = ascii('\nevent: record\ndata: ')
const EVENT_END = ascii('\n\n')

/** The constant parts for a partition (topic names are ASCII, Kafka's rule). */
export function partitionFraming(topic: string, partition: number): PartitionFraming {
  return {
    topic,
    partition,
    head: ascii(`{"topic":${JSON.stringify(topic)},"key":`),
    middle: ascii(`,"partition":${partition},"offset":`),
    eventId: ascii(`id: ${topic}:${partition}:`),
  }
}

/** Accumulates rendered records; {@link finish} gives the body. */
export class RecordsWriter {
  readonly framing: WriterFraming
  #bytes: Buffer<ArrayBuffer>
  #pos = 0
  #count = 0
  #lastTimestamp = Number.NaN
  #lastTimestampDigits: Uint8Array = new Uint8Array(0)

  constructor(framing: WriterFraming, capacity = 64 * 1024) {
    this.framing = framing
    this.#bytes = Buffer.allocUnsafe(capacity)
    // One byte kept free in front, so a lone writer's items become an array without a copy.
    this.#pos = LEAD
  }

  get count(): number {
    return this.#count
  }

  /** Appends one record. Throws 40601 when the json format meets a key or value not JSON. */
  add(part: PartitionFraming, view: RecordView, format: EmbeddedFormat): void {
    const { source } = view
    if (this.framing === 'event-stream') {
      this.#raw(part.eventId)
      this.#digits(view.offset)
      this.#raw(EVENT)
    } else if (this.#count > 0) {
      this.#byte(0x2c) // ,
    }
    this.#raw(part.head)
    this.#field(source, view.keyStart, view.keyLength, format, 'key', view.offset)
    this.#raw(VALUE)
    this.#field(source, view.valueStart, view.valueLength, format, 'value', view.offset)
    this.#raw(part.middle)
    this.#digits(view.offset)
    this.#raw(TIMESTAMP)
    this.#timestamp(view.timestamp)
    this.#raw(HEADERS)
    let first = true
    for (const header of view.headers) {
      const value = header.value === null ? 'null' : `"${encodeBase64(header.value)}"`
      this.#text(`${first ? '' : ','}{"name":${JSON.stringify(header.key)},"value":${value}}`)
      first = false
    }
    this.#raw(END)
    if (this.framing === 'event-stream') this.#raw(EVENT_END)
    this.#count++
  }

  /** What was written: the items (no brackets), or the events back to back. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.#bytes.subarray(LEAD, this.#pos)
  }

  /** The items as one JSON array, written around them in place (json-items framing). */
  finishArray(): Uint8Array<ArrayBuffer> {
    this.#byte(0x5d) // ]
    this.#bytes[0] = 0x5b // [
    return this.#bytes.subarray(0, this.#pos)
  }

  #field(
    source: Uint8Array,
    start: number,
    length: number,
    format: EmbeddedFormat,
    name: string,
    offset: number,
  ): void {
    if (length < 0) {
      this.#raw(NULL)
      return
    }
    if (format === 'binary') {
      this.#byte(QUOTE)
      this.#base64(source, start, start + length)
      this.#byte(QUOTE)
      return
    }
    let json: string
    try {
      json = JSON.stringify(JSON.parse(decoder.decode(source.subarray(start, start + length))))
    } catch {
      throw notJson(name, offset)
    }
    this.#text(json)
  }

  #base64(source: Uint8Array, start: number, end: number): void {
    this.#reserve(Math.ceil((end - start) / 3) * 4)
    const out = this.#bytes
    let at = this.#pos
    let i = start
    for (; i + 2 < end; i += 3) {
      const n =
        ((source[i] as number) << 16) | ((source[i + 1] as number) << 8) | (source[i + 2] as number)
      out[at++] = BASE64[n >>> 18] as number
      out[at++] = BASE64[(n >>> 12) & 63] as number
      out[at++] = BASE64[(n >>> 6) & 63] as number
      out[at++] = BASE64[n & 63] as number
    }
    if (i < end) {
      const two = i + 1 < end
      const n = ((source[i] as number) << 16) | (two ? (source[i + 1] as number) << 8 : 0)
      out[at++] = BASE64[n >>> 18] as number
      out[at++] = BASE64[(n >>> 12) & 63] as number
      out[at++] = two ? (BASE64[(n >>> 6) & 63] as number) : EQUALS
      out[at++] = EQUALS
    }
    this.#pos = at
  }

  /**
   * A record's timestamp: records of one batch mostly share theirs, so the digits of the last
   * one are kept and copied again while it repeats.
   */
  #timestamp(value: number): void {
    if (value !== this.#lastTimestamp) {
      const start = this.#pos
      this.#digits(value)
      this.#lastTimestamp = value
      this.#lastTimestampDigits = this.#bytes.slice(start, this.#pos)
      return
    }
    this.#raw(this.#lastTimestampDigits)
  }

  /** A non-negative safe integer in decimal (offsets and timestamps; a negative one as text). */
  #digits(value: number): void {
    if (value < 0 || !Number.isSafeInteger(value)) {
      this.#text(String(value))
      return
    }
    // Two halves of at most 8 digits each, so the digit loop runs on small integers.
    const high = Math.floor(value / 1e8)
    const low = value - high * 1e8
    if (high === 0) {
      this.#small(low, 0)
      return
    }
    this.#small(high, 0)
    this.#small(low, 8)
  }

  /** `value` (< 1e8) in decimal, zero-padded to `width` digits when `width` is not 0. */
  #small(value: number, width: number): void {
    let digits = 1
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++
    if (digits < width) digits = width
    this.#reserve(digits)
    const out = this.#bytes
    let at = this.#pos + digits
    let rest = value
    for (let i = 0; i < digits; i++) {
      out[--at] = 0x30 + (rest % 10)
      rest = (rest / 10) | 0
    }
    this.#pos += digits
  }

  #raw(bytes: Uint8Array): void {
    const length = bytes.length
    this.#reserve(length)
    const out = this.#bytes
    const at = this.#pos
    // A loop beats TypedArray#set for the few bytes of these fragments.
    for (let i = 0; i < length; i++) out[at + i] = bytes[i] as number
    this.#pos = at + length
  }

  #byte(byte: number): void {
    this.#reserve(1)
    this.#bytes[this.#pos++] = byte
  }

  #text(text: string): void {
    this.#reserve(Buffer.byteLength(text))
    this.#pos += this.#bytes.write(text, this.#pos, 'utf8')
  }

  #reserve(count: number): void {
    if (this.#pos + count <= this.#bytes.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#pos + count))
    this.#bytes.copy(grown, 0, 0, this.#pos)
    this.#bytes = grown
  }
}
