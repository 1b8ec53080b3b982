/**
 * @tributary/nats: the control plane of a cluster on NATS. The metadata log is a JetStream
 * stream and the controller election a key-value lease (the NATS implementations of core's
 * MetadataLog and ControllerElection, held to the same contract suites as the embedded ones),
 * and controller requests travel over NATS request/reply. Every name comes from core's
 * `natsNames(clusterId)`.
 */

export type {
  ControllerReply,
  ControllerServer,
  NatsControllerClientOptions,
  ServeControllerOptions,
} from './controller-rpc/index.ts'
export {
  CONTROLLER_RETRY_INITIAL_MS,
  CONTROLLER_RETRY_MAX_MS,
  DEFAULT_CONTROLLER_ATTEMPT_TIMEOUT_MS,
  DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS,
  NatsControllerClient,
  serveController,
} from './controller-rpc/index.ts'
export type { Lease, NatsControllerElectionOptions } from './election/index.ts'
export {
  DEFAULT_CANDIDATE_POLL_INTERVAL_MS,
  DEFAULT_CONTROLLER_LEASE_MS,
  DEFAULT_ELECTION_REPLICAS,
  decodeLease,
  encodeLease,
  NatsControllerElection,
} from './election/index.ts'
export type { NatsMetadataLogOptions } from './metadata-log/index.ts'
export { DEFAULT_METADATA_REPLICAS, NatsMetadataLog } from './metadata-log/index.ts'
export type { NatsControlPlane } from './process/index.ts'
export { connectNats, latestImage, openNatsControlPlane } from './process/index.ts'
export type { NatsSnapshotStoreOptions } from './snapshot/index.ts'
export { NatsSnapshotStore } from './snapshot/index.ts'
