import { type MsgHdrs, headers as newHeaders } from '@nats-io/nats-core'
import {
  decodeMetadataRecord,
  ErrorCode,
  encodeMetadataRecord,
  type MetadataRecord,
  TributaryError,
} from '@tributary/core'

/*
 * One append is one JetStream message, so the records of an append land together or not at all:
 *
 *   headers  Tributary-First-Offset: <decimal>     offset of the message's first record
 *            Tributary-Last-Offset: <decimal>      offset of its last record (first + count - 1)
 *            Tributary-Controller-Epoch: <decimal> the appending controller's term
 *   body     UTF-8 JSON array of the records, each as core's encodeMetadataRecord writes it:
 *            [{"type":"topic","name":"orders","topicId":"…"},{"type":"partition",…}]
 *
 * Offsets count records from 0 without gaps; a message's stream sequence is not an offset (one
 * message holds several). The headers alone locate a message, so the offset index is built from
 * header-only reads; the timestamp is the one JetStream stored the message with.
 */

/** Header naming the offset of a message's first record. */
export const FIRST_OFFSET_HEADER = 'Tributary-First-Offset'
/** Header naming the offset of a message's last record. */
export const LAST_OFFSET_HEADER = 'Tributary-Last-Offset'
/** Header naming the controller epoch of the append. */
export const CONTROLLER_EPOCH_HEADER = 'Tributary-Controller-Epoch'

/** Where a message sits in the log, from its headers. */
export interface MessagePosition {
  readonly firstOffset: number
  readonly lastOffset: number
  readonly controllerEpoch: number
}

/** An append as JetStream stores it. */
export interface EncodedAppend {
  readonly headers: MsgHdrs
  readonly body: string
}

/**
 * Checks and encodes `records` (INVALID_RECORD for one that breaks its schema, before anything is
 * sent) as the texts an append will carry.
 */
export function encodeRecords(records: readonly MetadataRecord[]): string[] {
  return records.map((record) => {
    try {
      return encodeMetadataRecord(record)
    } catch (error) {
      throw new TributaryError(ErrorCode.InvalidRecord, 'not a valid metadata record', {
        cause: error,
      })
    }
  })
}

/** The message for records `texts` (from {@link encodeRecords}) starting at `firstOffset`. */
export function encodeAppend(
  texts: readonly string[],
  firstOffset: number,
  controllerEpoch: number,
): EncodedAppend {
  const headers = newHeaders()
  headers.set(FIRST_OFFSET_HEADER, String(firstOffset))
  headers.set(LAST_OFFSET_HEADER, String(firstOffset + texts.length - 1))
  headers.set(CONTROLLER_EPOCH_HEADER, String(controllerEpoch))
  return { headers, body: `[${texts.join(',')}]` }
}

/** The position a message's headers give; CORRUPT_MESSAGE if they are missing or inconsistent. */
export function decodePosition(headers: MsgHdrs | undefined, seq: number): MessagePosition {
  const firstOffset = header(headers, FIRST_OFFSET_HEADER, seq)
  const lastOffset = header(headers, LAST_OFFSET_HEADER, seq)
  const controllerEpoch = header(headers, CONTROLLER_EPOCH_HEADER, seq)
  if (lastOffset < firstOffset) throw damagedAt(seq, 'its last offset is before its first')
  return { firstOffset, lastOffset, controllerEpoch }
}

/** The records of a message at `position`; CORRUPT_MESSAGE unless the body matches it. */
export function decodeRecords(
  body: Uint8Array,
  position: MessagePosition,
  seq: number,
): MetadataRecord[] {
  let values: unknown
  try {
    values = JSON.parse(new TextDecoder().decode(body))
  } catch (error) {
    throw damagedAt(seq, 'its body is not JSON', error)
  }
  const count = position.lastOffset - position.firstOffset + 1
  if (!Array.isArray(values) || values.length !== count) {
    throw damagedAt(seq, `its body is not an array of ${count} records`)
  }
  // Each through core's codec, so one schema judges every stored record.
  return values.map((value) => decodeMetadataRecord(JSON.stringify(value)))
}

function header(headers: MsgHdrs | undefined, name: string, seq: number): number {
  const text = headers?.get(name) ?? ''
  const value = Number(text)
  if (text === '' || !Number.isSafeInteger(value) || value < 0) {
    throw damagedAt(seq, `header ${name} is '${text}', not an integer >= 0`)
  }
  return value
}

/** CORRUPT_MESSAGE (not retriable) for the message at stream sequence `seq`. */
export function damagedAt(seq: number, why: string, cause?: unknown): TributaryError {
  return new TributaryError(
    ErrorCode.CorruptMessage,
    `metadata log message at stream sequence ${seq} is damaged: ${why}`,
    { cause, retriable: false },
  )
}
