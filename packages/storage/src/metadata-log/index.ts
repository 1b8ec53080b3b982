export type { MetadataFileOptions, MetadataLocation } from './database.ts'
export { DEFAULT_METADATA_BUSY_TIMEOUT_MS, METADATA_FILE } from './database.ts'
export type { EmbeddedControllerElectionOptions } from './embedded-election.ts'
export {
  DEFAULT_CANDIDATE_POLL_INTERVAL_MS,
  DEFAULT_CONTROLLER_LEASE_MS,
  EmbeddedControllerElection,
} from './embedded-election.ts'
export type { EmbeddedMetadataLogOptions } from './embedded-log.ts'
export { DEFAULT_METADATA_POLL_INTERVAL_MS, EmbeddedMetadataLog } from './embedded-log.ts'
export { controllerLease, metadataLogEntries } from './tables.ts'
