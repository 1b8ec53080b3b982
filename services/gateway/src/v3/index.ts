import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayContext } from '../context/index.ts'
import { registerV3Clusters } from './clusters.ts'
import { registerV3Configs } from './configs.ts'
import { registerV3ConsumerGroups } from './consumer-groups.ts'
import { registerV3ConsumerLags } from './consumer-lags.ts'
import { registerV3Partitions } from './partitions.ts'
import { registerV3Produce } from './produce.ts'
import { registerV3Replicas } from './replicas.ts'
import { registerV3Topics } from './topics.ts'

/**
 * The REST Proxy's API v3: the cluster, topics, partitions and their replicas, topic configs,
 * record produce with its streaming mode, and consumer groups with their lag (and an offsets
 * reset, an extension).
 */
export function registerV3(app: OpenAPIHono, ctx: GatewayContext): void {
  registerV3Clusters(app, ctx)
  registerV3Topics(app, ctx)
  registerV3Partitions(app, ctx)
  registerV3Replicas(app, ctx)
  registerV3Configs(app, ctx)
  registerV3Produce(app, ctx)
  registerV3ConsumerGroups(app, ctx)
  registerV3ConsumerLags(app, ctx)
}
