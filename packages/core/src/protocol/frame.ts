/**
 * Framing of the data-plane stream: every request and response is one length-prefixed frame, and
 * a {@link FrameDecoder} cuts the frames back out of whatever chunks the socket delivers.
 */
import { Reader, Writer } from '../binary/index.ts'
import { ErrorCode, TributaryError } from '../errors/index.ts'
import { checkInt } from './fields.ts'

/** What precedes every body. A response carries the apiKey and correlationId of its request. */
export interface FrameHeader {
  readonly apiKey: number
  /** The version the body is written in. */
  readonly apiVersion: number
  /** Chosen by the client to pair a response with its request; echoed back unchanged. */
  readonly correlationId: number
}

export interface Frame extends FrameHeader {
  /** The bytes after the header: a view that aliases the bytes the frame was cut from. */
  readonly body: Uint8Array
}

export interface FrameDecoderOptions {
  /** The largest `size` accepted (bytes after the size field). Default {@link DEFAULT_MAX_FRAME_BYTES}. */
  readonly maxFrameBytes?: number
}

/** 64 MiB, the default limit on a frame's size. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024

/** Bytes of the size field. */
const SIZE_BYTES = 4
/** Bytes of the header after the size field: apiKey, apiVersion, correlationId. */
const HEADER_BYTES = 8

/*
 * A frame; all integers big-endian:
 *
 *   offset  size
 *        0     4  size           int32   bytes after this field (8 + body), at most maxFrameBytes
 *        4     2  apiKey         int16   see ApiKey
 *        6     2  apiVersion     int16   the version the body is written in
 *        8     4  correlationId  int32   echoed back in the response
 *       12     …  body                   the API's request or response, drawn in its own file
 */

/** A frame around `body` (which is copied in). */
export function encodeFrame(header: FrameHeader, body: Uint8Array): Uint8Array {
  return writeFrame(header, body.length, (writer) => writer.writeBytes(body))
}

/**
 * Writes a whole frame in one exact-size allocation: the header, then `writeBody`, which must
 * write exactly `bodySize` bytes. The API encoders use this so a body is never copied twice.
 */
export function writeFrame(
  header: FrameHeader,
  bodySize: number,
  writeBody: (writer: Writer) => void,
): Uint8Array {
  checkInt('apiKey', header.apiKey, 'int16')
  checkInt('apiVersion', header.apiVersion, 'int16')
  checkInt('correlationId', header.correlationId, 'int32')
  const size = HEADER_BYTES + bodySize
  if (size > 0x7fff_ffff) throw new RangeError(`a frame body of ${bodySize} bytes is too large`)
  const writer = new Writer(SIZE_BYTES + size)
  writer.writeInt32(size)
  writer.writeInt16(header.apiKey).writeInt16(header.apiVersion).writeInt32(header.correlationId)
  writeBody(writer)
  if (writer.length !== SIZE_BYTES + size) {
    throw new Error(`frame body took ${writer.length - SIZE_BYTES - HEADER_BYTES}, not ${bodySize}`)
  }
  return writer.finish()
}

/**
 * Cuts frames out of a byte stream delivered in chunks of any size. Each call to {@link push}
 * returns the frames the new bytes complete, in order.
 *
 * Frames that lie wholly inside one chunk are returned as views of that chunk, with no copy; a
 * frame split across chunks is copied once, into a buffer of its exact size, when its last byte
 * arrives (chunks are only collected until then, so the cost stays linear in the bytes pushed).
 * Hence the aliasing rule: a pushed chunk must not be modified or reused afterwards (Node's
 * 'data' chunks are fresh; a socket read into a reused buffer, such as net's `onread` option,
 * must be copied before it is pushed). A small frame viewed in a large chunk keeps the chunk alive.
 *
 * A frame whose size exceeds `maxFrameBytes`, or is too small for a header, is refused with
 * INVALID_REQUEST as soon as its size field arrives. The stream cannot be resynchronised after
 * that, so the decoder stays failed: every later push throws the same error, and the owner of the
 * connection should close it.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number
  /** The start of an incomplete frame, possibly spread over several chunks. */
  #pending: Uint8Array[] = []
  #pendingBytes = 0
  /** The whole length of the pending frame once its size field has arrived, else -1. */
  #pendingFrameBytes = -1
  #failure: TributaryError | undefined

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    if (!Number.isInteger(max) || max < HEADER_BYTES || max > 0x7fff_ffff) {
      throw new RangeError(`maxFrameBytes must be an integer in [8, 2^31 - 1], got ${max}`)
    }
    this.maxFrameBytes = max
  }

  /** Bytes held back for a frame that has not arrived completely. */
  get bufferedBytes(): number {
    return this.#pendingBytes
  }

  /** The frames completed by `chunk`, in order (possibly none). */
  push(chunk: Uint8Array): Frame[] {
    if (this.#failure !== undefined) throw this.#failure
    const frames: Frame[] = []
    let at = 0
    if (this.#pendingBytes > 0) {
      at = this.#continuePending(chunk, frames)
      if (at < 0) return frames
    }
    // Frames wholly inside the chunk, as views of it.
    const reader = new Reader(chunk, at)
    while (reader.remaining >= SIZE_BYTES) {
      const start = reader.pos
      const frameBytes = this.#frameBytes(reader.readInt32())
      if (chunk.length - start < frameBytes) {
        this.#pendingFrameBytes = frameBytes
        reader.pos = start
        break
      }
      frames.push(frameAt(chunk, start, frameBytes))
      reader.pos = start + frameBytes
    }
    if (reader.remaining > 0) {
      this.#pending.push(chunk.subarray(reader.pos))
      this.#pendingBytes = reader.remaining
    }
    return frames
  }

  /**
   * Adds `chunk` to the pending frame. Returns -1 while the frame is still incomplete, or, once it
   * is complete (and pushed onto `frames`), where the rest of `chunk` starts.
   */
  #continuePending(chunk: Uint8Array, frames: Frame[]): number {
    const before = this.#pendingBytes
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.length
    if (this.#pendingFrameBytes < 0) {
      if (this.#pendingBytes < SIZE_BYTES) return -1
      const size = new Reader(this.#gather(SIZE_BYTES)).readInt32()
      this.#pendingFrameBytes = this.#frameBytes(size)
    }
    const frameBytes = this.#pendingFrameBytes
    if (this.#pendingBytes < frameBytes) return -1
    frames.push(frameAt(this.#gather(frameBytes), 0, frameBytes))
    this.#pending = []
    this.#pendingBytes = 0
    this.#pendingFrameBytes = -1
    return frameBytes - before
  }

  /** The first `count` pending bytes, copied into one array. */
  #gather(count: number): Uint8Array {
    const out = new Uint8Array(count)
    let filled = 0
    for (const piece of this.#pending) {
      const take = Math.min(piece.length, count - filled)
      out.set(take === piece.length ? piece : piece.subarray(0, take), filled)
      filled += take
      if (filled === count) break
    }
    return out
  }

  /** The whole length of a frame with this size field, or the error that refuses it. */
  #frameBytes(size: number): number {
    if (size > this.maxFrameBytes) {
      this.#fail(`frame of ${size} bytes exceeds the limit of ${this.maxFrameBytes} bytes`)
    }
    if (size < HEADER_BYTES) {
      this.#fail(`frame size ${size} is smaller than the ${HEADER_BYTES}-byte header`)
    }
    return SIZE_BYTES + size
  }

  #fail(message: string): never {
    this.#pending = []
    this.#pendingBytes = 0
    this.#failure = new TributaryError(ErrorCode.InvalidRequest, message)
    throw this.#failure
  }
}

/** The frame of `frameBytes` bytes at `start`, its body a view of `bytes`. */
function frameAt(bytes: Uint8Array, start: number, frameBytes: number): Frame {
  const reader = new Reader(bytes, start + SIZE_BYTES)
  return {
    apiKey: reader.readInt16(),
    apiVersion: reader.readInt16(),
    correlationId: reader.readInt32(),
    body: bytes.subarray(start + SIZE_BYTES + HEADER_BYTES, start + frameBytes),
  }
}
