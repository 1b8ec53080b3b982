/**
 * The group coordinator: consumer instances, membership, assignments, positions and committed
 * offsets of the groups whose `__consumer_offsets` partition this broker leads.
 */
export type { GroupCoordinatorOptions } from './coordinator.ts'
export { GroupCoordinator } from './coordinator.ts'
export type { GroupSettings } from './settings.ts'
export {
  DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS,
  DEFAULT_GROUP_LOAD_WAIT_MS,
  DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS,
  DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS,
  DEFAULT_GROUP_SETTINGS,
  DEFAULT_GROUP_SWEEP_INTERVAL_MS,
} from './settings.ts'
