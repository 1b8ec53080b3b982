/**
 * Media types and content negotiation for the REST Proxy's v2 and v3 APIs.
 */
export type { Offer } from './negotiate.ts'
export { essence, negotiate } from './negotiate.ts'
export type { EmbeddedFormat } from './types.ts'
export {
  acceptsJson,
  consumerRecordsType,
  MediaType,
  produceFormat,
  recordsResponseFormat,
  recordsResponseOffers,
  requireConsumerBody,
  requireJsonBody,
  v2ConsumerResponseOffers,
  v2ResponseOffers,
  v2ResponseType,
  v3ResponseOffers,
  wantsEventStream,
} from './types.ts'
