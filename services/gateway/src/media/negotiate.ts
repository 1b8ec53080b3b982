/**
 * HTTP content negotiation as JAX-RS does it for the REST Proxy: each media type the server can
 * answer with has a quality of its own (`qs`); the client's Accept ranges carry `q`; the answer
 * is the type with the best q × qs, the most specific matching range deciding each type's q.
 */

/** One media type the server offers, with its server-side quality. */
export interface Offer {
  readonly type: string
  readonly qs: number
}

interface MediaRange {
  readonly type: string
  readonly subtype: string
  readonly q: number
}

/** `type/subtype` of a Content-Type, lowercased and without parameters; undefined when absent. */
export function essence(contentType: string | undefined | null): string | undefined {
  if (contentType === undefined || contentType === null) return undefined
  const value = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  return value === '' ? undefined : value
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = []
  for (const part of header.split(',')) {
    const [rawType, ...params] = part.split(';')
    const full = rawType?.trim().toLowerCase() ?? ''
    if (full === '') continue
    const slash = full.indexOf('/')
    const type = slash < 0 ? full : full.slice(0, slash)
    const subtype = slash < 0 ? '*' : full.slice(slash + 1)
    let q = 1
    for (const param of params) {
      const [name, value] = param.split('=').map((piece) => piece.trim())
      if (name?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value)
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0
      }
    }
    ranges.push({ type, subtype, q })
  }
  return ranges
}

/** How specifically a range matches a type: 2 exact, 1 `type/*`, 0 `*\/*`, -1 not at all. */
function specificity(range: MediaRange, type: string): number {
  const [mainType, subtype] = type.split('/')
  if (range.type === '*' && range.subtype === '*') return 0
  if (range.type !== mainType) return -1
  if (range.subtype === '*') return 1
  return range.subtype === subtype ? 2 : -1
}

/**
 * The offer to answer with, or undefined when the Accept header rules out every offer (a 406).
 * No Accept header (or an empty one) accepts anything: the best offer wins.
 */
export function negotiate(
  accept: string | undefined | null,
  offers: readonly Offer[],
): string | undefined {
  const ranges =
    accept === undefined || accept === null || accept.trim() === '' ? [] : parseAccept(accept)
  if (ranges.length === 0) return bestOf(offers.map((offer) => ({ offer, score: offer.qs })))
  const scored = offers.map((offer) => {
    let best = -1
    let q = 0
    for (const range of ranges) {
      const level = specificity(range, offer.type)
      if (level > best) {
        best = level
        q = range.q
      }
    }
    return { offer, score: best < 0 ? 0 : q * offer.qs }
  })
  return bestOf(scored)
}

function bestOf(scored: readonly { offer: Offer; score: number }[]): string | undefined {
  let winner: { offer: Offer; score: number } | undefined
  for (const candidate of scored) {
    if (candidate.score <= 0) continue
    if (winner === undefined || candidate.score > winner.score) winner = candidate
  }
  return winner?.offer.type
}
