export type { Lease } from './lease.ts'
export { decodeLease, encodeLease } from './lease.ts'
export type { NatsControllerElectionOptions } from './nats-election.ts'
export {
  DEFAULT_CANDIDATE_POLL_INTERVAL_MS,
  DEFAULT_CONTROLLER_LEASE_MS,
  DEFAULT_ELECTION_REPLICAS,
  NatsControllerElection,
} from './nats-election.ts'
