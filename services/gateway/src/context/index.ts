import type { ControllerClient, Logger } from '@tributary/core'
import type { GatewayConfig } from '../config/index.ts'
import type { CoordinatorClient, Poller } from '../consumers/index.ts'
import type { PartitionReader } from '../fetch/index.ts'
import type { GatewayMetrics } from '../metrics/index.ts'
import type { Producer } from '../produce/index.ts'
import type { MetadataView } from '../routing/index.ts'

/** What every route handler works with: the app's dependencies and the pieces built from them. */
export interface GatewayContext {
  readonly metadata: MetadataView
  readonly controller: ControllerClient
  readonly producer: Producer
  readonly reader: PartitionReader
  /** The way to each consumer group's coordinator. */
  readonly coordinator: CoordinatorClient
  /** Consumer instances' reads (records route and event stream). */
  readonly poller: Poller
  /** Aborted when the gateway closes: ends long-lived responses (event streams). */
  readonly closing: AbortSignal
  readonly config: GatewayConfig
  readonly logger: Logger
  readonly metrics: GatewayMetrics
}
