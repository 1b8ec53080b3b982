/**
 * UTF-8 for header keys, without Buffer. Encoding is hand-written so a key can be measured and
 * then written straight into a batch without an intermediate array; it follows TextEncoder,
 * including U+FFFD for a lone surrogate. Decoding takes a short ASCII key byte by byte and leaves
 * everything else to TextDecoder, which every runtime core targets provides.
 */

interface Utf8Decoder {
  decode(input: Uint8Array): string
}

// Reached through globalThis because core's build compiles against plain ES2023 (no DOM or Node
// typings), so that nothing host-specific slips into the package; TextDecoder is on every runtime.
const { TextDecoder: HostTextDecoder } = globalThis as unknown as {
  TextDecoder: new (label: string, options: { ignoreBOM: boolean; fatal?: boolean }) => Utf8Decoder
}
// ignoreBOM keeps a leading U+FEFF as a character, so a key decodes to exactly what was encoded.
const decoder = new HostTextDecoder('utf-8', { ignoreBOM: true })
const strictDecoder = new HostTextDecoder('utf-8', { ignoreBOM: true, fatal: true })

/** Keys up to this many bytes are tried as ASCII first; longer ones go to TextDecoder at once. */
const ASCII_FAST_PATH_MAX = 32

/** The number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) {
      length += 1
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair: two UTF-16 units, four UTF-8 bytes.
      length += 2
      i++
    } else {
      // The rest of the BMP, and a lone surrogate (written as U+FFFD): three bytes.
      length += 2
    }
  }
  return length
}

/** Writes `text` as UTF-8 into `target` at `at`; returns the position after it. */
export function writeUtf8(target: Uint8Array, at: number, text: string): number {
  let pos = at
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i)
    if (code < 0x80) {
      target[pos++] = code
      continue
    }
    if (code < 0x800) {
      target[pos++] = 0xc0 | (code >> 6)
      target[pos++] = 0x80 | (code & 0x3f)
      continue
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1)
      if (code <= 0xdbff && isLowSurrogate(next)) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00)
        i++
        target[pos++] = 0xf0 | (code >> 18)
        target[pos++] = 0x80 | ((code >> 12) & 0x3f)
        target[pos++] = 0x80 | ((code >> 6) & 0x3f)
        target[pos++] = 0x80 | (code & 0x3f)
        continue
      }
      code = 0xfffd
    }
    target[pos++] = 0xe0 | (code >> 12)
    target[pos++] = 0x80 | ((code >> 6) & 0x3f)
    target[pos++] = 0x80 | (code & 0x3f)
  }
  return pos
}

/** Decodes bytes [start, end) of `source`; invalid sequences become U+FFFD, as in Kafka. */
export function readUtf8(source: Uint8Array, start: number, end: number): string {
  if (end - start <= ASCII_FAST_PATH_MAX) {
    let text = ''
    let i = start
    for (; i < end; i++) {
      const byte = source[i] as number
      if (byte >= 0x80) break
      text += String.fromCharCode(byte)
    }
    if (i === end) return text
  }
  return decoder.decode(source.subarray(start, end))
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** `source` as UTF-8, throwing a TypeError (the host's) where it is not valid UTF-8. */
export function readUtf8Strict(source: Uint8Array): string {
  return strictDecoder.decode(source)
}
