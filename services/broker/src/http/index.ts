import { Hono } from 'hono'
import type { Registry } from 'prom-client'

/** What `GET /health` reports. */
export interface BrokerHealth {
  /** `starting` until registered with the controller, `serving` then, `stopping` at shutdown. */
  readonly status: 'starting' | 'serving' | 'stopping'
  readonly brokerId: number
  /** The registration's epoch, -1 until registered. */
  readonly brokerEpoch: number
  /** Whether the controller keeps this broker out of service (from its last heartbeat answer). */
  readonly fenced: boolean
  /** The metadata offset the hosted replicas reflect. */
  readonly metadataOffset: number
  /**
   * A digest of the broker's whole metadata image (SHA-256 of its snapshot, 16 hex digits):
   * brokers at the same offset with the same digest hold the same cluster view.
   */
  readonly metadataDigest: string
  readonly partitions: number
  readonly leaderPartitions: number
}

export interface HttpAppDeps {
  readonly health: () => BrokerHealth
  readonly registry: Registry
}

/**
 * The broker's HTTP side: `GET /health` (200 while starting or serving, 503 once stopping; the
 * body says which) and `GET /metrics` (Prometheus text from the broker's own registry).
 */
export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono()
  app.get('/health', (c) => {
    const health = deps.health()
    return c.json(health, health.status === 'stopping' ? 503 : 200)
  })
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.registry.contentType)
    return c.body(await deps.registry.metrics())
  })
  return app
}
