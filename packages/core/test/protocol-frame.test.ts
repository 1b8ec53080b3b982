import { describe, expect, it } from 'vitest'
import type { Frame, FrameHeader } from '../src/index.ts'
import {
  DEFAULT_MAX_FRAME_BYTES,
  ErrorCode,
  encodeFrame,
  encodeRecordBatch,
  FrameDecoder,
  TributaryError,
} from '../src/index.ts'
import { mixed } from './batch-fixtures.ts'

/** Frames of every shape: an empty body, a tiny one, a real batch, extreme header values. */
const sent: Array<{ header: FrameHeader; body: Uint8Array }> = [
  { header: { apiKey: 0, apiVersion: 0, correlationId: 1 }, body: new Uint8Array(0) },
  { header: { apiKey: 1, apiVersion: 0, correlationId: -1 }, body: Uint8Array.of(7) },
  {
    header: { apiKey: 2, apiVersion: 3, correlationId: 0x7fff_ffff },
    body: encodeRecordBatch(mixed),
  },
  {
    header: { apiKey: -1, apiVersion: 0x7fff, correlationId: -0x8000_0000 },
    body: Uint8Array.of(1, 2, 3),
  },
]
const stream = concat(sent.map(({ header, body }) => encodeFrame(header, body)))

/** Frames as plain data, comparable with toEqual whatever buffer their bodies view. */
function plain(frames: Frame[]) {
  return frames.map(({ apiKey, apiVersion, correlationId, body }) => ({
    header: { apiKey, apiVersion, correlationId },
    body: [...body],
  }))
}
const expected = sent.map(({ header, body }) => ({ header, body: [...body] }))

/** Pushes `stream` cut at `cuts` and returns every frame the decoder gave back. */
function pushCut(decoder: FrameDecoder, cuts: number[]): Frame[] {
  const frames: Frame[] = []
  let from = 0
  for (const to of [...cuts, stream.length]) {
    frames.push(...decoder.push(stream.subarray(from, to)))
    from = to
  }
  return frames
}

function refusal(run: () => unknown): TributaryError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError)
    return error as TributaryError
  }
  throw new Error('nothing was thrown')
}

describe('encodeFrame', () => {
  it('writes the size, header and body big-endian', () => {
    const bytes = encodeFrame(
      { apiKey: 1, apiVersion: 2, correlationId: 0x0a0b0c0d },
      Uint8Array.of(9),
    )
    expect([...bytes]).toEqual([0, 0, 0, 9, 0, 1, 0, 2, 0x0a, 0x0b, 0x0c, 0x0d, 9])
  })

  it('refuses header values that do not fit their fields', () => {
    const body = new Uint8Array(0)
    expect(() => encodeFrame({ apiKey: 0x8000, apiVersion: 0, correlationId: 0 }, body)).toThrow(
      /apiKey must be an int16/,
    )
    expect(() => encodeFrame({ apiKey: 0, apiVersion: 0, correlationId: 2 ** 31 }, body)).toThrow(
      RangeError,
    )
  })
})

describe('FrameDecoder', () => {
  it('returns several frames from one chunk as views of it', () => {
    const frames = new FrameDecoder().push(stream)
    expect(plain(frames)).toEqual(expected)
    for (const frame of frames) expect(frame.body.buffer).toBe(stream.buffer)
  })

  it('reassembles the stream split at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder()
      expect(plain(pushCut(decoder, [cut]))).toEqual(expected)
      expect(decoder.bufferedBytes).toBe(0)
    }
  })

  it('reassembles the stream split at every pair of byte boundaries', () => {
    for (let first = 0; first <= stream.length; first++) {
      for (let second = first; second <= stream.length; second += 3) {
        expect(plain(pushCut(new FrameDecoder(), [first, second]))).toEqual(expected)
      }
    }
  })

  it('reassembles the stream pushed one byte at a time', () => {
    const cuts = Array.from({ length: stream.length }, (_, i) => i)
    expect(plain(pushCut(new FrameDecoder(), cuts))).toEqual(expected)
  })

  it('holds a partial header until the rest arrives', () => {
    const decoder = new FrameDecoder()
    const frame = encodeFrame({ apiKey: 2, apiVersion: 0, correlationId: 77 }, Uint8Array.of(5, 6))
    expect(decoder.push(frame.subarray(0, 3))).toEqual([])
    expect(decoder.bufferedBytes).toBe(3)
    expect(decoder.push(frame.subarray(3, 9))).toEqual([])
    expect(decoder.bufferedBytes).toBe(9)
    expect(decoder.push(new Uint8Array(0))).toEqual([])
    const [done] = decoder.push(frame.subarray(9))
    expect(done).toMatchObject({ apiKey: 2, apiVersion: 0, correlationId: 77 })
    expect([...(done?.body ?? [])]).toEqual([5, 6])
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('does not let a later chunk overwrite a frame it already returned', () => {
    const decoder = new FrameDecoder()
    const chunk = stream.slice(0, 15) // the first frame (12 bytes) and 3 bytes of the second
    const [first] = decoder.push(chunk)
    const rest = decoder.push(stream.slice(15))
    expect(plain([first as Frame, ...rest])).toEqual(expected)
  })

  it('refuses an oversized frame as soon as its size arrives, naming the size', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 100 })
    const ok = encodeFrame({ apiKey: 0, apiVersion: 0, correlationId: 1 }, new Uint8Array(92))
    expect(decoder.push(ok)).toHaveLength(1) // size 100: exactly the limit
    const big = encodeFrame({ apiKey: 0, apiVersion: 0, correlationId: 2 }, new Uint8Array(93))
    expect(decoder.push(big.subarray(0, 2))).toEqual([])
    const error = refusal(() => decoder.push(big.subarray(2, 4)))
    expect(error.code).toBe(ErrorCode.InvalidRequest)
    expect(error.message).toMatch(/frame of 101 bytes exceeds the limit of 100 bytes/)
    // The stream cannot be resynchronised: the decoder stays failed.
    expect(() => decoder.push(ok)).toThrow(error)
  })

  it('refuses a frame over the 64 MiB default without waiting for its bytes', () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(64 * 1024 * 1024)
    const header = (size: number) => {
      const bytes = new Uint8Array(12)
      new DataView(bytes.buffer).setInt32(0, size)
      return bytes
    }
    const atLimit = new FrameDecoder()
    expect(atLimit.push(header(DEFAULT_MAX_FRAME_BYTES))).toEqual([])
    expect(atLimit.bufferedBytes).toBe(12)
    const error = refusal(() => new FrameDecoder().push(header(DEFAULT_MAX_FRAME_BYTES + 1)))
    expect(error.message).toMatch(new RegExp(`${DEFAULT_MAX_FRAME_BYTES + 1} bytes`))
  })

  it('refuses a size too small for the header, or negative', () => {
    for (const size of [7, 0, -1]) {
      const bytes = new Uint8Array(12)
      new DataView(bytes.buffer).setInt32(0, size)
      const error = refusal(() => new FrameDecoder().push(bytes))
      expect(error.code).toBe(ErrorCode.InvalidRequest)
      expect(error.message).toMatch(new RegExp(`frame size ${size} is smaller`))
    }
  })

  it('refuses a limit it cannot enforce', () => {
    expect(() => new FrameDecoder({ maxFrameBytes: 4 })).toThrow(RangeError)
    expect(() => new FrameDecoder({ maxFrameBytes: 2 ** 31 })).toThrow(RangeError)
  })
})

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
