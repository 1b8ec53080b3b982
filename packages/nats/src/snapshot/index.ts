export type { NatsSnapshotStoreOptions } from './nats-snapshot-store.ts'
export { NatsSnapshotStore } from './nats-snapshot-store.ts'
