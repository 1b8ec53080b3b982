export type { EpochEndOffset, EpochEntry } from './leader-epoch-cache.ts'
export { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './leader-epoch-cache.ts'
