/**
 * Media types and content negotiation for the REST Proxy's v2 and v3 APIs.
 */
export type { Offer } from './negotiate.ts'
export { essence, negotiate } from './negotiate.ts'
export type { EmbeddedFormat } from './types.ts'
export {
  acceptsJson,
  MediaType,
  produceFormat,
  recordsResponseFormat,
  recordsResponseOffers,
  requireJsonBody,
  v2ResponseOffers,
  v2ResponseType,
  v3ResponseOffers,
} from './types.ts'
