import type { Logger } from '@tributary/core'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { isUnexpected, RestError, toRestError } from '../errors/index.ts'
import { MediaType } from '../media/index.ts'

/**
 * The media type an error body is sent as: v2 paths answer in vnd.kafka.v2+json as the REST
 * Proxy's v2 resources do, everything else in plain JSON.
 */
function errorMediaType(path: string): string {
  return path.startsWith('/topics') || path.startsWith('/consumers') ? MediaType.V2 : MediaType.Json
}

/** A REST Proxy error response. */
export function errorResponse(c: Context, error: RestError): Response {
  c.header('Content-Type', errorMediaType(c.req.path))
  return c.body(JSON.stringify(error.toBody()), error.status)
}

/**
 * The one place errors become HTTP: RestErrors as they are, hono's HTTPExceptions under their
 * status, Kafka errors by the REST Proxy's mapping, anything else a bare 500 (logged, never shown).
 */
export function createErrorHandler(logger: Logger) {
  return (error: unknown, c: Context): Response => {
    if (error instanceof HTTPException) {
      const status = error.status
      const message = error.message === '' ? `HTTP ${status}` : error.message
      return errorResponse(c, new RestError(status, message))
    }
    if (isUnexpected(error)) {
      logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
    }
    return errorResponse(c, toRestError(error))
  }
}
