import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { registerV3Clusters } from './clusters.ts'
import { registerV3Configs } from './configs.ts'
import { registerV3Partitions } from './partitions.ts'
import { registerV3Produce } from './produce.ts'
import { registerV3Topics } from './topics.ts'

/**
 * The REST Proxy's API v3: the cluster, topics, partitions and topic configs, and record produce
 * with its streaming mode.
 */
export function registerV3(app: OpenAPIHono, ctx: GatewayContext): void {
  registerV3Clusters(app, ctx)
  registerV3Topics(app, ctx)
  registerV3Partitions(app, ctx)
  registerV3Configs(app, ctx)
  registerV3Produce(app, ctx)
}
