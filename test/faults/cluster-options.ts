import type { ClusterOptions } from '../harness/cluster.ts'

/** Every topic of the cluster replicated 3 times with min ISR 2 by default, as the issue asks. */
export const FAULT_CONTROLLER_ARGS: readonly string[] = [
  '--default-replication-factor=3',
  '--min-insync-replicas=2',
]

/**
 * The gateway gives up retrying a record after 5 s (default 15 s), so a refused write (no
 * leader, too few in-sync replicas) is answered while the fault still lasts and counted.
 */
export const FAULT_GATEWAY_ARGS: readonly string[] = ['--delivery-timeout-ms=5000']

/**
 * The cluster of the fault suite: 3 controllers, 3 brokers, 1 gateway, with the harness's short
 * session timeout (TEST_SESSION_TIMEOUT_MS) so a dead or paused broker is fenced quickly.
 */
export function faultClusterOptions(overrides: ClusterOptions = {}): ClusterOptions {
  return {
    controllers: 3,
    brokers: 3,
    gateways: 1,
    controllerArgs: FAULT_CONTROLLER_ARGS,
    gatewayArgs: FAULT_GATEWAY_ARGS,
    ...overrides,
  }
}
