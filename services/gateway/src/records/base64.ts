/**
 * Strict standard base64 (RFC 4648 §4), as the REST Proxy decodes binary data: the `+/`
 * alphabet only, no whitespace, padding optional but, when present, correct. Node's own decoder
 * skips characters it does not know, which would turn a typo into silently wrong bytes.
 */

const base64Text = /^[A-Za-z0-9+/]*={0,2}$/

/** The bytes of a base64 string, or undefined when it is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!base64Text.test(text)) return undefined
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  if (padding > 0 && text.length % 4 !== 0) return undefined
  const unpadded = text.length - padding
  if (unpadded % 4 === 1) return undefined
  const bytes = Buffer.from(text, 'base64')
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
