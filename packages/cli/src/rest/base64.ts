/** The binary embedded format carries bytes as base64 strings; these convert at the edges. */

export const base64Of = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

export const utf8OfBase64 = (base64: string): string =>
  Buffer.from(base64, 'base64').toString('utf8')

/** The number of bytes a base64 string encodes, without decoding it. */
export const base64Size = (base64: string | null | undefined): number => {
  if (!base64) return 0
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0
  return Math.floor((base64.length * 3) / 4) - padding
}
