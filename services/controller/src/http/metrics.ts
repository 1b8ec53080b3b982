import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { Controller } from '../controller/index.ts'

/**
 * The controller's Prometheus metrics on `registry`: HTTP requests by route and status, and
 * gauges read from the controller when scraped, named after Kafka's controller metrics
 * (ActiveControllerCount, FencedBrokerCount, OfflinePartitionsCount …). Returns the middleware
 * that times requests.
 */
export function controllerMetrics(registry: Registry, controller: Controller): MiddlewareHandler {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read())
      },
    })
  gauge('tributary_controller_active', '1 while this controller is the active one', () =>
    controller.active ? 1 : 0,
  )
  gauge(
    'tributary_controller_epoch',
    'The controller epoch (term) last seen',
    () => controller.controllerEpoch,
  )
  gauge(
    'tributary_controller_metadata_offset',
    'Offset of the last metadata record applied',
    () => controller.image.offset,
  )
  gauge(
    'tributary_controller_metadata_long_polls',
    'Metadata long-polls waiting for an entry to land',
    () => controller.waitingReads,
  )
  gauge(
    'tributary_controller_topics',
    'Topics in the cluster',
    () => controller.image.topics.length,
  )
  new Gauge({
    name: 'tributary_controller_brokers',
    help: 'Registered brokers, by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const brokers = controller.image.brokers
      const fenced = brokers.filter((broker) => broker.fenced).length
      this.set({ state: 'fenced' }, fenced)
      this.set({ state: 'unfenced' }, brokers.length - fenced)
    },
  })
  new Gauge({
    name: 'tributary_controller_partitions',
    help: 'Partitions in the cluster, by state (offline: no leader)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      let online = 0
      let offline = 0
      for (const topic of controller.image.topics) {
        for (const partition of topic.partitions) {
          if (partition.leader === -1) offline++
          else online++
        }
      }
      this.set({ state: 'online' }, online)
      this.set({ state: 'offline' }, offline)
    },
  })
  const requests = new Counter({
    name: 'tributary_controller_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'tributary_controller_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (long-polls included), by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  })
  return async (c, next) => {
    const started = performance.now()
    await next()
    const route = routePath(c, -1)
    const labels = { method: c.req.method, route }
    requests.inc({ ...labels, status: String(c.res.status) })
    duration.observe(labels, (performance.now() - started) / 1000)
  }
}
