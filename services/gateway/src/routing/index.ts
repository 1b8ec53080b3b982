/**
 * Routing to partition leaders: the leader a metadata image names, one data-plane client per
 * broker through the injected connector, and the wait for fresher metadata before a retry.
 */
export type { Leader, MetadataView } from './leaders.ts'
export { LeaderRouter, metadataOrTimeout } from './leaders.ts'
