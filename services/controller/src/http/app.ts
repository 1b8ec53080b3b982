import {
  alterPartitionRequestSchema,
  alterTopicConfigsRequestSchema,
  brokerHeartbeatRequestSchema,
  createPartitionsRequestSchema,
  createTopicRequestSchema,
  ErrorCode,
  type Logger,
  parseControllerRequest,
  registerBrokerRequestSchema,
  silentLogger,
  TributaryError,
  toErrorData,
} from '@tributary/core'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { Registry } from 'prom-client'
import * as z from 'zod'
import type { Controller } from '../controller/index.ts'
import { invalidRequest, statusForCode } from './errors.ts'
import { controllerMetrics } from './metrics.ts'

/** The largest request body the controller API reads; its requests are a few hundred bytes. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024
/** Entries per `GET /v1/metadata` page unless `max` says otherwise, and the most it may say. */
export const DEFAULT_METADATA_PAGE_ENTRIES = 1_000
export const MAX_METADATA_PAGE_ENTRIES = 10_000
/** The longest `wait` a metadata long-poll may ask for. */
export const MAX_METADATA_WAIT_MS = 60_000

export interface AppDeps {
  readonly controller: Controller
  readonly logger?: Logger
  /** Where `/metrics` registers; default a new registry for this app (never the global one). */
  readonly registry?: Registry
}

const metadataQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(0).default(0),
  max: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_METADATA_PAGE_ENTRIES)
    .default(DEFAULT_METADATA_PAGE_ENTRIES),
  wait: z.coerce.number().int().min(0).max(MAX_METADATA_WAIT_MS).default(0),
})
const partitionsBodySchema = createPartitionsRequestSchema.omit({ name: true })
const configsBodySchema = alterTopicConfigsRequestSchema.omit({ name: true })
const heartbeatBodySchema = brokerHeartbeatRequestSchema.omit({ brokerId: true })
const alterPartitionBodySchema = alterPartitionRequestSchema.omit({ brokerId: true })
const brokerIdSchema = z.coerce.number().int().min(0)

/**
 * The controller's HTTP API (docs/services.md): admin commands, broker registration,
 * heartbeats and ISR changes (AlterPartition), the metadata log long-poll, `/health` and
 * `/metrics`. Builds routes only; no I/O until a request arrives. Errors answer as ErrorData
 * with the status their code maps to; anything unexpected is logged and answered as a bare
 * UNKNOWN_SERVER_ERROR.
 */
export function createApp(deps: AppDeps): Hono {
  const { controller } = deps
  const logger = deps.logger ?? silentLogger
  const registry = deps.registry ?? new Registry()
  const app = new Hono()

  app.use(controllerMetrics(registry, controller))
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BODY_BYTES,
      onError: (c) =>
        c.json(invalidRequest(`request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes`), 413),
    }),
  )

  app.post('/v1/topics', async (c) => {
    const request = parseControllerRequest(createTopicRequestSchema, await jsonBody(c))
    return c.json(await controller.createTopic(request), 201)
  })

  app.delete('/v1/topics/:name', async (c) => {
    return c.json(await controller.deleteTopic(c.req.param('name')))
  })

  app.post('/v1/topics/:name/partitions', async (c) => {
    const body = parseControllerRequest(partitionsBodySchema, await jsonBody(c))
    return c.json(await controller.createPartitions({ ...body, name: c.req.param('name') }))
  })

  app.post('/v1/topics/:name/configs', async (c) => {
    const body = parseControllerRequest(configsBodySchema, await jsonBody(c))
    return c.json(await controller.alterTopicConfigs({ ...body, name: c.req.param('name') }))
  })

  app.post('/v1/brokers', async (c) => {
    const request = parseControllerRequest(registerBrokerRequestSchema, await jsonBody(c))
    return c.json(await controller.registerBroker(request))
  })

  app.post('/v1/brokers/:id/heartbeat', async (c) => {
    const brokerId = parseControllerRequest(brokerIdSchema, c.req.param('id'))
    const body = parseControllerRequest(heartbeatBodySchema, await jsonBody(c))
    return c.json(await controller.brokerHeartbeat({ ...body, brokerId }))
  })

  app.post('/v1/brokers/:id/alter-partition', async (c) => {
    const brokerId = parseControllerRequest(brokerIdSchema, c.req.param('id'))
    const body = parseControllerRequest(alterPartitionBodySchema, await jsonBody(c))
    return c.json(await controller.alterPartition({ ...body, brokerId }))
  })

  app.get('/v1/metadata', async (c) => {
    const query = parseControllerRequest(metadataQuerySchema, c.req.query())
    const page = await controller.readMetadata(query.from, query.max, query.wait, c.req.raw.signal)
    return c.json(page)
  })

  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      active: controller.active,
      controllerEpoch: controller.controllerEpoch,
      metadataOffset: controller.image.offset,
    }),
  )

  app.get('/metrics', async (c) => {
    const text = await registry.metrics()
    return c.text(text, 200, { 'content-type': registry.contentType })
  })

  app.notFound((c) => c.json(invalidRequest(`no route for ${c.req.method} ${c.req.path}`), 404))

  app.onError((error, c) => {
    if (error instanceof TributaryError) {
      return c.json(error.toData(), statusForCode(error.code))
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(invalidRequest(error.message || 'bad request'), error.status as 400)
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
    return c.json(toErrorData(error), 500)
  })

  return app
}

/** The request body as JSON; INVALID_REQUEST if it is not. */
async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json()
  } catch (error) {
    throw new TributaryError(ErrorCode.InvalidRequest, 'request body is not valid JSON', {
      cause: error,
    })
  }
}
