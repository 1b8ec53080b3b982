import { describe, expect, test } from 'vitest'
import { JsonObjectSplitter, JsonStreamError, jsonObjects } from '../src/streaming/index.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Feeds `bytes` cut at the given positions; returns the parsed objects in order. */
function split(bytes: Uint8Array, cuts: readonly number[], max = 1 << 20): unknown[] {
  const splitter = new JsonObjectSplitter(max)
  const out: unknown[] = []
  let from = 0
  for (const cut of [...cuts, bytes.length]) {
    for (const object of splitter.push(bytes.subarray(from, cut)))
      out.push(JSON.parse(decoder.decode(object)))
    from = cut
  }
  splitter.end()
  return out
}

const records = [
  { value: { type: 'STRING', data: 'a } tricky { "string" \\ with [brackets]' } },
  {
    key: { type: 'JSON', data: { nested: [1, { deep: '}' }] } },
    value: { type: 'STRING', data: 'héllo wörld 👋' },
  },
  { value: { type: 'BINARY', data: 'AAEC' }, headers: [{ name: 'h', value: null }] },
]

describe('JsonObjectSplitter', () => {
  const concatenated = encoder.encode(records.map((record) => JSON.stringify(record)).join('\n  '))

  test('cuts concatenated objects wherever the chunks end, even inside a UTF-8 character', () => {
    for (let cut = 0; cut <= concatenated.length; cut++) {
      expect(split(concatenated, [cut])).toEqual(records)
    }
  })

  test('survives one byte per chunk', () => {
    const cuts = Array.from({ length: concatenated.length }, (_, index) => index)
    expect(split(concatenated, cuts)).toEqual(records)
  })

  test('reads a top-level array of objects, cut anywhere', () => {
    const array = encoder.encode(
      ` [ ${records.map((record) => JSON.stringify(record)).join(' , ')} ] \n`,
    )
    for (let cut = 0; cut <= array.length; cut += 3) {
      expect(split(array, [cut, Math.min(cut + 7, array.length)])).toEqual(records)
    }
    expect(split(encoder.encode('[]'), [])).toEqual([])
  })

  test('returns an object lying inside one chunk as a view of it, without copying', () => {
    const chunk = encoder.encode('{"a":1}{"b":2}')
    const objects = new JsonObjectSplitter(100).push(chunk)
    expect(objects.map((object) => object.buffer === chunk.buffer)).toEqual([true, true])
  })

  test('refuses what is not a sequence of objects', () => {
    const cases = [
      '42',
      '"text"',
      '{"a":1},{"b":2}',
      '{"a":1}]',
      '[{"a":1}{"b":2}]',
      '[{"a":1}] {"b":2}',
      'x',
    ]
    for (const text of cases) {
      expect(() => split(encoder.encode(text), []), text).toThrow(JsonStreamError)
    }
  })

  test('refuses input that ends inside an object or an open array', () => {
    expect(() => split(encoder.encode('{"a":1}{"b":'), [])).toThrow(/end of input/)
    expect(() => split(encoder.encode('[{"a":1},'), [])).toThrow(/not closed/)
    expect(() => split(encoder.encode('{"a":"}'), [3])).toThrow(/end of input/)
  })

  test('refuses an object larger than the limit, even spread over chunks, and stays failed', () => {
    const splitter = new JsonObjectSplitter(10)
    splitter.push(encoder.encode('{"a":'))
    expect(() => splitter.push(encoder.encode('"0123456789"}'))).toThrow(/larger than the 10 bytes/)
    expect(() => splitter.push(encoder.encode('{}'))).toThrow(JsonStreamError)
    expect(() => new JsonObjectSplitter(5).push(encoder.encode('{"abc":1}'))).toThrow(/larger/)
  })
})

describe('jsonObjects', () => {
  test('yields each object as soon as its last byte arrives, while the stream stays open', async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
    })
    const objects = jsonObjects(stream, 100)
    const text = async () => {
      const next = await objects.next()
      return next.done === true ? 'done' : decoder.decode(next.value)
    }
    controller.enqueue(encoder.encode('{"a":'))
    controller.enqueue(encoder.encode('1}{"b"'))
    expect(await text()).toBe('{"a":1}')
    controller.enqueue(encoder.encode(':2} '))
    expect(await text()).toBe('{"b":2}')
    controller.enqueue(encoder.encode('{"c":3}'))
    expect(await text()).toBe('{"c":3}')
    controller.close()
    expect(await text()).toBe('done')
  })

  test('cancels the body when the consumer stops early', async () => {
    let cancelled = false
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode('{"a":1}'))
      },
      cancel() {
        cancelled = true
      },
    })
    for await (const _ of jsonObjects(stream, 100)) break
    expect(cancelled).toBe(true)
  })
})

describe('a stream that breaks after some objects', () => {
  test('still returns the objects before the break, then fails', () => {
    const splitter = new JsonObjectSplitter(100)
    const objects = splitter.push(encoder.encode('{"a":1} {"b":2} , {"c":3}'))
    expect(objects.map((object) => decoder.decode(object))).toEqual(['{"a":1}', '{"b":2}'])
    expect(() => splitter.push(encoder.encode('{}'))).toThrow(/Unexpected character ','/)
    expect(() => splitter.end()).toThrow(JsonStreamError)
  })
})
