import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { registerV2Metadata } from './metadata.ts'
import { registerV2Produce } from './produce.ts'
import { registerV2Records } from './records.ts'

/**
 * The REST Proxy's API v2: topic and partition metadata, produce in the binary and json
 * embedded formats, and the stateless partition read (an extension, Redpanda's).
 */
export function registerV2(app: OpenAPIHono, ctx: GatewayContext): void {
  registerV2Metadata(app, ctx)
  registerV2Produce(app, ctx)
  registerV2Records(app, ctx)
}
