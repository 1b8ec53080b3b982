import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { registerV2ConsumerOffsets } from './consumer-offsets.ts'
import { registerV2ConsumerRecords } from './consumer-records.ts'
import { registerV2Consumers } from './consumers.ts'
import { registerV2Metadata } from './metadata.ts'
import { registerV2Produce } from './produce.ts'
import { registerV2Records } from './records.ts'

/**
 * The REST Proxy's API v2: topic and partition metadata, produce in the binary and json
 * embedded formats, consumer instances in groups (with an event stream of records, an
 * extension), and the stateless partition read (an extension, Redpanda's).
 */
export function registerV2(app: OpenAPIHono, ctx: GatewayContext): void {
  registerV2Metadata(app, ctx)
  registerV2Produce(app, ctx)
  registerV2Records(app, ctx)
  registerV2Consumers(app, ctx)
  registerV2ConsumerOffsets(app, ctx)
  registerV2ConsumerRecords(app, ctx)
}
