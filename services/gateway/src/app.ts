import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import {
  type ControllerClient,
  type DataPlaneConnector,
  type Logger,
  silentLogger,
} from '@tributary/core'
import { routePath } from 'hono/route'
import {
  type GatewayConfig,
  type GatewayConfigInput,
  resolveGatewayConfig,
} from './config/index.ts'
import { CoordinatorClient, Poller } from './consumers/index.ts'
import type { GatewayContext } from './context/index.ts'
import { RestError, RestErrorCode } from './errors/index.ts'
import { PartitionReader } from './fetch/index.ts'
import { createErrorHandler, errorResponse, validationHook } from './http/index.ts'
import { createMetrics, type GatewayMetrics } from './metrics/index.ts'
import { apiDescription, contentOf, named, registerComponents } from './openapi/index.ts'
import { BatchSender, Coalescer, Producer } from './produce/index.ts'
import { LeaderRouter, type MetadataView } from './routing/index.ts'
import { registerV2 } from './v2/index.ts'
import { registerV3 } from './v3/index.ts'

export interface GatewayDeps {
  /** Core's MetadataFollower (any object with its `image` and `waitFor`), already following. */
  readonly metadata: MetadataView
  readonly controller: ControllerClient
  readonly dataPlane: DataPlaneConnector
  readonly logger?: Logger
  readonly config?: GatewayConfigInput
  /** Whether `/metrics` includes Node's process metrics (default true). */
  readonly processMetrics?: boolean
}

export interface GatewayApp {
  readonly app: OpenAPIHono
  readonly fetch: OpenAPIHono['fetch']
  readonly config: GatewayConfig
  readonly metrics: GatewayMetrics
  /**
   * Graceful stop: new requests get 503, records already accepted are sent and settled, then
   * the data-plane clients close. Call after the HTTP server stopped accepting connections.
   */
  close(): Promise<void>
}

export const API_VERSION = '0.1.0'

named('PrometheusText', z.string())
named('OpenApiDocument', z.record(z.string(), z.unknown()))
named('Html', z.string())

const healthSchema = named(
  'Health',
  z.object({
    status: z.enum(['ok', 'starting']),
    cluster_id: z.string().nullable(),
    metadata_offset: z.number().int(),
  }),
)

/**
 * The gateway: the REST Proxy compatible HTTP API over the injected metadata follower,
 * controller client and data-plane connector. Builds everything and does no I/O: `main.ts`
 * (or combined mode) owns config, sockets and signals.
 */
export function createGatewayApp(deps: GatewayDeps): GatewayApp {
  const config = resolveGatewayConfig(deps.config)
  const logger = deps.logger ?? silentLogger
  const metrics = createMetrics({ defaultMetrics: deps.processMetrics ?? true })
  const router = new LeaderRouter(deps.metadata, deps.dataPlane, logger)
  const sender = new BatchSender({ metadata: deps.metadata, router, config, logger, metrics })
  const coalescer = new Coalescer({
    send: (topic, partition, batch, acks) => sender.send(topic, partition, batch, acks),
    lingerMs: config.lingerMs,
    maxInFlight: config.maxInFlightPerPartition,
    onBatch: (records, bytes) => {
      metrics.batches.inc()
      metrics.batchRecords.observe(records)
      metrics.batchBytes.observe(bytes)
    },
  })
  const reader = new PartitionReader({ metadata: deps.metadata, router, config })
  const coordinator = new CoordinatorClient({
    metadata: deps.metadata,
    controller: deps.controller,
    router,
    config,
    logger,
  })
  const streams = new AbortController()
  const ctx: GatewayContext = {
    metadata: deps.metadata,
    controller: deps.controller,
    producer: new Producer({ coalescer, config, logger, metrics }),
    reader,
    coordinator,
    poller: new Poller({ coordinator, reader, config, metrics, logger }),
    closing: streams.signal,
    config,
    logger,
    metrics,
  }

  let closing = false
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.onError(createErrorHandler(logger))
  app.notFound((c) => errorResponse(c, new RestError(RestErrorCode.NotFound, 'HTTP 404 Not Found')))
  app.use('*', async (c, next) => {
    if (!closing || c.req.path === '/health' || c.req.path === '/metrics') return next()
    c.header('Retry-After', '0')
    return errorResponse(
      c,
      new RestError(RestErrorCode.ServiceUnavailable, 'The gateway is shutting down'),
    )
  })
  app.use('*', async (c, next) => {
    const started = performance.now()
    await next()
    const route = routePath(c, -1)
    const labels = { method: c.req.method, route: route === '/*' ? 'unmatched' : route }
    metrics.httpRequests.inc({ ...labels, status: String(c.res.status) })
    metrics.httpDuration.observe(labels, (performance.now() - started) / 1000)
  })

  registerComponents(app)
  registerV2(app, ctx)
  registerV3(app, ctx)
  registerOperations(app, ctx)

  return {
    app,
    fetch: app.fetch,
    config,
    metrics,
    async close() {
      closing = true
      streams.abort()
      await ctx.producer.flush()
      await router.close()
    },
  }
}

function registerOperations(app: OpenAPIHono, ctx: GatewayContext): void {
  const tags = ['operations']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags,
      summary: 'Health: ok once the gateway has cluster metadata',
      responses: {
        200: { description: 'Serving', content: contentOf(['application/json'], 'Health') },
        503: {
          description: 'No cluster metadata yet',
          content: contentOf(['application/json'], 'Health'),
        },
      },
    }),
    (c) => {
      const image = ctx.metadata.image
      const ready = image.clusterId !== null
      const body: z.infer<typeof healthSchema> = {
        status: ready ? 'ok' : 'starting',
        cluster_id: image.clusterId,
        metadata_offset: image.offset,
      }
      c.header('Content-Type', 'application/json')
      return c.body(JSON.stringify(body), ready ? 200 : 503)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags,
      summary: 'Prometheus metrics',
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          content: contentOf(['text/plain'], 'PrometheusText'),
        },
      },
    }),
    async (c) => {
      c.header('Content-Type', ctx.metrics.registry.contentType)
      return c.body(await ctx.metrics.registry.metrics(), 200)
    },
  )

  const documentConfig = {
    openapi: '3.0.3',
    info: { title: 'Tributary REST API', version: API_VERSION, description: apiDescription },
  }
  app.openapi(
    createRoute({
      method: 'get',
      path: '/openapi.json',
      tags,
      summary: 'This OpenAPI document',
      responses: {
        200: {
          description: 'OpenAPI 3.0',
          content: contentOf(['application/json'], 'OpenApiDocument'),
        },
      },
    }),
    (c) => {
      c.header('Content-Type', 'application/json')
      return c.body(JSON.stringify(app.getOpenAPIDocument(documentConfig)), 200)
    },
  )

  const docsPage = Scalar({ url: '/openapi.json', pageTitle: 'Tributary REST API' })
  app.openapi(
    createRoute({
      method: 'get',
      path: '/docs',
      tags,
      summary: 'Browsable API reference (Scalar) over /openapi.json',
      responses: {
        200: { description: 'An HTML page', content: contentOf(['text/html'], 'Html') },
      },
    }),
    async (c) => (await docsPage(c, async () => {})) ?? c.notFound(),
  )
}
