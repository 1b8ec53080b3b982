/**
 * Consumer groups as the stateless gateway serves them: the way to each group's coordinator
 * (and the `__consumer_offsets` topic it lives on), instance configs from REST Proxy create
 * requests, the read that turns a poll into records, and the Server-Sent Events stream of them.
 */
export { COORDINATOR_RETRY_TIMEOUT_MS, CoordinatorClient } from './coordinator-client.ts'
export type { EventStreamOptions, LastEventId } from './event-stream.ts'
export {
  KEEP_ALIVE_MS,
  parseLastEventId,
  recordEventStream,
  resumeAfter,
} from './event-stream.ts'
export {
  createConsumerRequestSchema,
  DEFAULT_SESSION_TIMEOUT_MS,
  parseCreateConsumer,
} from './instance-config.ts'
export { OffsetsTopic } from './offsets-topic.ts'
export type { PollAnswer, ReadRequest } from './poller.ts'
export { Poller } from './poller.ts'
