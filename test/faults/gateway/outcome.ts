import type { ProduceOutcome } from '../history/index.ts'

/** One entry of a v2 produce answer's `offsets`, as the REST Proxy documents it. */
export interface V2OffsetEntry {
  readonly partition: number | null
  readonly offset: number | null
  readonly error_code: number | null
  readonly error: string | null
}

/** The HTTP status an error code stands for: its first three digits (the REST Proxy's rule). */
const statusOfCode = (code: number) => Number(String(code).slice(0, 3))

/**
 * The outcome of each of `count` values sent in one v2 produce request, from the gateway's answer
 * (or `undefined` when none came: timeout, connection error, aborted). Conservative, since a
 * wrong `failed` would hide a lost write and a wrong `acked` invent one:
 *
 * - a 200 entry with an offset is `acked` there;
 * - a 4xx answer, or a 4xx entry, was refused before any record reached a broker: `failed`;
 * - a 5xx entry (50002, 50003, e.g. NOT_ENOUGH_REPLICAS) is `unknown`: the gateway retries a
 *   batch whose leader moved or whose connection failed, and answers the last attempt's error,
 *   so an earlier attempt may have been appended; so is any other answer.
 */
export function produceOutcomes(
  count: number,
  answer: { readonly status: number; readonly body: unknown } | undefined,
  transportError = 'no answer',
): ProduceOutcome[] {
  const all = (outcome: ProduceOutcome) => Array.from({ length: count }, () => outcome)
  if (answer === undefined) return all({ kind: 'unknown', error: transportError })
  const { status, body } = answer
  if (status >= 400 && status < 500) {
    return all({ kind: 'failed', error: `HTTP ${status} ${JSON.stringify(body)}` })
  }
  const offsets = (body as { offsets?: unknown } | null)?.offsets
  if (status !== 200 || !Array.isArray(offsets) || offsets.length !== count) {
    return all({ kind: 'unknown', error: `HTTP ${status} ${JSON.stringify(body)}` })
  }
  return (offsets as V2OffsetEntry[]).map((entry) => entryOutcome(entry))
}

function entryOutcome(entry: V2OffsetEntry): ProduceOutcome {
  if (entry.error_code === null && entry.partition !== null && entry.offset !== null) {
    return { kind: 'acked', partition: entry.partition, offset: entry.offset }
  }
  const error = `${entry.error_code ?? 'no offset'} ${entry.error ?? ''}`.trim()
  const code = entry.error_code
  if (code !== null && statusOfCode(code) >= 400 && statusOfCode(code) < 500) {
    return { kind: 'failed', error }
  }
  return { kind: 'unknown', error }
}
