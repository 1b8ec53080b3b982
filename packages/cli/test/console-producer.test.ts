import { describe, expect, it } from 'vitest'
import {
  formatLineFailure,
  type LineFailure,
  parseLine,
  produceLines,
} from '../src/console-producer/index.ts'
import type { BinaryProduceRecord, ProduceOffset } from '../src/rest/index.ts'

const b64 = (text: string): string => Buffer.from(text).toString('base64')
const text = (base64: string | null | undefined): string | undefined =>
  base64 == null ? undefined : Buffer.from(base64, 'base64').toString('utf8')

describe('console-producer lines', () => {
  const keyed = { parseKey: true, keySeparator: ':', ignoreError: false }

  it('sends the whole line as base64 of its UTF-8 by default', () => {
    expect(parseLine('héllo: wörld', { ...keyed, parseKey: false })).toEqual({
      ok: true,
      record: { value: b64('héllo: wörld') },
    })
  })

  it('splits key and value at the first separator', () => {
    expect(parseLine('k1:v:1', keyed)).toEqual({
      ok: true,
      record: { key: b64('k1'), value: b64('v:1') },
    })
    expect(parseLine('k1::=v', { ...keyed, keySeparator: '::' })).toEqual({
      ok: true,
      record: { key: b64('k1'), value: b64('=v') },
    })
    expect(parseLine(':v', keyed)).toEqual({ ok: true, record: { key: '', value: b64('v') } })
  })

  it('refuses a line without the separator, unless ignore.error', () => {
    expect(parseLine('novalue', keyed)).toEqual({
      ok: false,
      message: "no key separator ':' in the line",
    })
    expect(parseLine('novalue', { ...keyed, ignoreError: true })).toEqual({
      ok: true,
      record: { value: b64('novalue') },
    })
  })

  it('reports a failure with its line number and error code', () => {
    expect(formatLineFailure({ lineNumber: 3, message: 'Refused.', errorCode: 50002 })).toBe(
      'Error: line 3: Refused. (error_code 50002)',
    )
    expect(formatLineFailure({ lineNumber: 1, message: 'no key' })).toBe('Error: line 1: no key')
  })
})

const linesOf = async function* (lines: readonly string[]): AsyncIterable<string> {
  for (const line of lines) {
    // Lines arrive one event-loop turn apart, as from a pipe.
    await new Promise((resolve) => setImmediate(resolve))
    yield line
  }
}

describe('console-producer batching', () => {
  const ok = (): ProduceOffset => ({ partition: 0, offset: 0, error_code: null, error: null })

  it('sends lines together while a request is in flight, in order, at most batchSize each', async () => {
    const batches: string[][] = []
    const lines = Array.from({ length: 25 }, (_, i) => `line-${i}`)
    const result = await produceLines({
      lines: linesOf(lines),
      parse: (line) => parseLine(line, { parseKey: false, keySeparator: '\t', ignoreError: false }),
      send: async (records: BinaryProduceRecord[]) => {
        batches.push(records.map((r) => text(r.value) as string))
        await new Promise((resolve) => setTimeout(resolve, 5))
        return records.map(ok)
      },
      batchSize: 4,
      signal: new AbortController().signal,
      report: async () => {},
    })
    expect(batches.flat()).toEqual(lines)
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4)
    // The first line goes alone at once; later ones gather behind the request in flight.
    expect(batches[0]).toEqual(['line-0'])
    expect(batches.length).toBeLessThan(lines.length)
    expect(result).toEqual({ sent: 25, failed: 0, requests: batches.length })
  })

  it('reports unparsable lines and refused records per line, in line order', async () => {
    const failures: LineFailure[] = []
    const result = await produceLines({
      lines: linesOf(['a:1', 'broken', 'b:refuse', 'c:3']),
      parse: (line) => parseLine(line, { parseKey: true, keySeparator: ':', ignoreError: false }),
      send: async (records) =>
        records.map((r) =>
          text(r.value) === 'refuse'
            ? { partition: null, offset: null, error_code: 50002, error: 'Refused.' }
            : ok(),
        ),
      batchSize: 10,
      signal: new AbortController().signal,
      report: async (failure) => void failures.push(failure),
    })
    expect(failures).toEqual([
      { lineNumber: 2, message: "no key separator ':' in the line" },
      { lineNumber: 3, message: 'Refused.', errorCode: 50002 },
    ])
    expect(result.sent).toBe(2)
    expect(result.failed).toBe(2)
  })

  it('stops at a failed request and throws its error', async () => {
    let calls = 0
    const failing = produceLines({
      lines: linesOf(['a', 'b', 'c']),
      parse: (line) => parseLine(line, { parseKey: false, keySeparator: '\t', ignoreError: false }),
      send: async () => {
        calls++
        throw new Error('Topic not found.')
      },
      batchSize: 10,
      signal: new AbortController().signal,
      report: async () => {},
    })
    await expect(failing).rejects.toThrow('Topic not found.')
    expect(calls).toBe(1)
  })

  it('stops reading when interrupted and still sends what it read', async () => {
    const controller = new AbortController()
    const sent: string[] = []
    const endless = async function* (): AsyncIterable<string> {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort()
        await new Promise((resolve) => setImmediate(resolve))
        yield `l${i}`
      }
    }
    const result = await produceLines({
      lines: endless(),
      parse: (line) => parseLine(line, { parseKey: false, keySeparator: '\t', ignoreError: false }),
      send: async (records) => {
        sent.push(...records.map((r) => text(r.value) as string))
        return records.map(ok)
      },
      batchSize: 10,
      signal: controller.signal,
      report: async () => {},
    })
    expect(sent).toEqual(['l0', 'l1', 'l2'])
    expect(result.sent).toBe(3)
  })
})
