// How the fault workload reads a v2 produce answer: only what the answer proves counts as acked
// or failed; everything else is unknown.
import { describe, expect, it } from 'vitest'
import { produceOutcomes } from './outcome.ts'

const entry = (
  partition: number | null,
  offset: number | null,
  error_code: number | null = null,
  error: string | null = null,
) => ({ partition, offset, error_code, error })

describe('produceOutcomes', () => {
  it('takes an entry with an offset as acknowledged there', () => {
    const body = { offsets: [entry(2, 41), entry(2, 42)] }
    expect(produceOutcomes(2, { status: 200, body })).toEqual([
      { kind: 'acked', partition: 2, offset: 41 },
      { kind: 'acked', partition: 2, offset: 42 },
    ])
  })

  it('takes a retriable or other broker error as unknown, since a retried attempt may have been written', () => {
    const body = {
      offsets: [
        entry(null, null, 50003, 'not enough in-sync replicas'),
        entry(null, null, 50002, 'boom'),
      ],
    }
    expect(produceOutcomes(2, { status: 200, body }).map((outcome) => outcome.kind)).toEqual([
      'unknown',
      'unknown',
    ])
  })

  it('takes a refusal before sending (4xx answer or 4xx entry) as failed', () => {
    expect(produceOutcomes(1, { status: 404, body: { error_code: 40401 } })[0]?.kind).toBe('failed')
    const body = { offsets: [entry(null, null, 42207, 'bad base64')] }
    expect(produceOutcomes(1, { status: 200, body })[0]?.kind).toBe('failed')
  })

  it('takes no answer, a 5xx answer, an entry without offset or a malformed body as unknown', () => {
    expect(produceOutcomes(2, undefined, 'timed out')).toEqual([
      { kind: 'unknown', error: 'timed out' },
      { kind: 'unknown', error: 'timed out' },
    ])
    expect(produceOutcomes(1, { status: 503, body: {} })[0]?.kind).toBe('unknown')
    expect(produceOutcomes(1, { status: 200, body: { offsets: [entry(0, null)] } })[0]?.kind).toBe(
      'unknown',
    )
    expect(produceOutcomes(2, { status: 200, body: { offsets: [entry(0, 1)] } })[1]?.kind).toBe(
      'unknown',
    )
    expect(produceOutcomes(1, { status: 200, body: null })[0]?.kind).toBe('unknown')
  })
})
