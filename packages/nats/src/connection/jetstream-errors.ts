import { JetStreamApiCodes } from '@nats-io/jetstream'

/** The JetStream API error code of `error`, if it is a JetStream API error. */
function apiCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  // Checked by shape, not `instanceof`: @nats-io/kv may load its own copy of @nats-io/jetstream.
  const { name, code } = error as { name?: unknown; code?: unknown }
  return name === 'JetStreamApiError' || name === 'StreamNotFoundError' ? Number(code) : undefined
}

/**
 * Whether JetStream refused a publish (or a key-value update) because the stream (or key) did
 * not end at the expected sequence (revision): someone else wrote first. Compare-and-set failed;
 * nothing was written.
 */
export function isWrongLastSequence(error: unknown): boolean {
  const code = apiCode(error)
  return (
    code === JetStreamApiCodes.StreamWrongLastSequence ||
    code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
  )
}

/** Whether a JetStream API call failed because the stream does not exist. */
export function isStreamNotFound(error: unknown): boolean {
  return apiCode(error) === JetStreamApiCodes.StreamNotFound
}
