/**
 * The coordinator's settings, under Kafka's names where Kafka has them, with their defaults.
 */

/** Kafka's group.min.session.timeout.ms: the shortest session an instance may ask for. */
export const DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS = 6_000
/** Kafka's group.max.session.timeout.ms: the longest session an instance may ask for. */
export const DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS = 1_800_000
/** The REST Proxy's consumer.instance.timeout.ms: an instance idle this long is deleted. */
export const DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS = 300_000
/** How often the coordinator expires silent members and idle instances without being asked. */
export const DEFAULT_GROUP_SWEEP_INTERVAL_MS = 1_000
/**
 * How long a request waits for its `__consumer_offsets` partition to be replayed before it is
 * answered COORDINATOR_LOAD_IN_PROGRESS (retriable) instead.
 */
export const DEFAULT_GROUP_LOAD_WAIT_MS = 2_000
/** The produce timeout of an append to `__consumer_offsets` (commits and instance records). */
export const DEFAULT_OFFSET_COMMIT_TIMEOUT_MS = 5_000

/** The settings the broker's config carries for its group coordinator. */
export interface GroupSettings {
  readonly groupMinSessionTimeoutMs: number
  readonly groupMaxSessionTimeoutMs: number
  readonly consumerInstanceTimeoutMs: number
}

/** {@link GroupSettings} with every setting at its default. */
export const DEFAULT_GROUP_SETTINGS: GroupSettings = {
  groupMinSessionTimeoutMs: DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS,
  groupMaxSessionTimeoutMs: DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS,
  consumerInstanceTimeoutMs: DEFAULT_CONSUMER_INSTANCE_TIMEOUT_MS,
}
