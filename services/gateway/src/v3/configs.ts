import type { OpenAPIHono } from '@hono/zod-openapi'
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { applyChange } from '../admin/index.ts'
import type { GatewayContext } from '../context/index.ts'
import { RestError, RestErrorCode, unprocessable } from '../errors/index.ts'
import { readJson } from '../http/index.ts'
import { requireJsonBody } from '../media/index.ts'
import { contentOf, errorResponses, named, ref } from '../openapi/index.ts'
import { describeIssues, emptyBody } from '../records/index.ts'
import { topicConfigEntries } from '../topics/index.ts'
import {
  clusterLinks,
  configParams,
  json,
  literalSuffix,
  topicParams,
  v3Json,
  v3TopicOf,
} from './common.ts'
import { topicConfigData } from './resources.ts'

const tags = ['v3 topic configs']

const updateConfigSchema = named(
  'UpdateConfigRequestData',
  z.object({
    value: z.string().nullable().openapi({ description: 'null resets the config to its default' }),
  }),
)

const alterConfigsSchema = named(
  'AlterConfigBatchRequestData',
  z.object({
    data: z.array(
      z.object({
        name: z.string(),
        value: z.string().nullable().optional(),
        operation: z
          .enum(['SET', 'DELETE'])
          .nullable()
          .optional()
          .openapi({ description: 'Default SET; DELETE resets' }),
      }),
    ),
    validate_only: z.boolean().optional(),
  }),
)

const changeErrors = errorResponses(json, {
  400: 'Malformed JSON (400); unknown config or invalid value (40002)',
  404: 'Unknown cluster (404) or topic (40403)',
  406: 'Accept rules out application/json',
  415: 'Content-Type is not application/json',
  422: 'Invalid body',
  500: 'The controller could not be reached or refused (50002, 50003 retriable)',
})

export function registerV3Configs(app: OpenAPIHono, ctx: GatewayContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/configs',
      tags,
      summary: "List a topic's configs",
      request: { params: topicParams },
      responses: {
        200: {
          description:
            'Every config at its effective value: the topic override, else the cluster-wide value, else the default',
          content: contentOf(json, 'TopicConfigDataList'),
        },
        ...errorResponses(json, {
          404: 'Unknown cluster (404) or topic (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const data = topicConfigEntries(topic, ctx.metadata.image.clusterConfigs).map((entry) =>
        topicConfigData(links, topic.name, entry),
      )
      return v3Json(
        c,
        links.collection('KafkaTopicConfigList', links.url('topics', topic.name, 'configs'), data),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/configs/{name}',
      tags,
      summary: 'Get one config of a topic',
      request: { params: configParams },
      responses: {
        200: { description: 'The config', content: contentOf(json, 'TopicConfigData') },
        ...errorResponses(json, {
          404: 'Unknown cluster or config (404), unknown topic (40403)',
          406: 'Accept rules out application/json',
        }),
      },
    }),
    (c) => {
      const links = clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const name = c.req.param('name')
      const entry = topicConfigEntries(topic, ctx.metadata.image.clusterConfigs).find(
        (candidate) => candidate.name === name,
      )
      if (entry === undefined)
        throw new RestError(RestErrorCode.NotFound, `Config ${name} cannot be found.`)
      return v3Json(c, topicConfigData(links, topic.name, entry))
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/configs/{name}',
      tags,
      summary: 'Set one config of a topic',
      request: {
        params: configParams,
        body: {
          required: true,
          content: { 'application/json': { schema: ref('UpdateConfigRequestData') } },
        },
      },
      responses: { 204: { description: 'Set; this gateway shows the new value' }, ...changeErrors },
    }),
    async (c) => {
      const { topic, body } = await changeRequest(c, ctx, updateConfigSchema)
      const name = c.req.param('name')
      const change =
        body.value === null
          ? { name: topic, remove: [name] }
          : { name: topic, set: { [name]: body.value } }
      await applyChange(ctx.metadata, ctx.config.adminTimeoutMs, () =>
        ctx.controller.alterTopicConfigs(change),
      )
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/configs/{name}',
      tags,
      summary: "Reset one config of a topic to the cluster's value or the default",
      request: { params: configParams },
      responses: { 204: { description: 'Reset' }, ...changeErrors },
    }),
    async (c) => {
      clusterLinks(c, ctx)
      const topic = v3TopicOf(c, ctx)
      const name = c.req.param('name')
      await applyChange(ctx.metadata, ctx.config.adminTimeoutMs, () =>
        ctx.controller.alterTopicConfigs({ name: topic.name, remove: [name] }),
      )
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/configs:alter',
      // hono reads ':alter' as a parameter, so the route would also take 'configs:anything'.
      middleware: [literalSuffix('/configs:alter')],
      tags,
      summary: 'Set and reset several configs of a topic at once',
      request: {
        params: topicParams,
        body: {
          required: true,
          content: { 'application/json': { schema: ref('AlterConfigBatchRequestData') } },
        },
      },
      responses: { 204: { description: 'Changed (or, validate_only, would be)' }, ...changeErrors },
    }),
    async (c) => {
      const { topic, body } = await changeRequest(c, ctx, alterConfigsSchema)
      const set: Record<string, string> = {}
      const remove: string[] = []
      for (const [index, entry] of body.data.entries()) {
        if (entry.operation === 'DELETE') remove.push(entry.name)
        else if (entry.value === undefined || entry.value === null) {
          throw unprocessable(`data[${index}].value is required to SET ${entry.name}`)
        } else set[entry.name] = entry.value
      }
      await applyChange(ctx.metadata, ctx.config.adminTimeoutMs, () =>
        ctx.controller.alterTopicConfigs({
          name: topic,
          set,
          remove,
          validateOnly: body.validate_only ?? false,
        }),
      )
      return c.body(null, 204)
    },
  )
}

/** The common start of a config change: media types, cluster, topic, then the parsed body. */
async function changeRequest<T extends z.ZodType>(
  c: Context,
  ctx: GatewayContext,
  schema: T,
): Promise<{ topic: string; body: z.output<T> }> {
  requireJsonBody(c.req.header('content-type'))
  clusterLinks(c, ctx)
  const topic = v3TopicOf(c, ctx)
  const raw = await readJson(c.req.raw, ctx.config.maxRequestBytes)
  if (raw === undefined) throw emptyBody()
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw unprocessable(describeIssues(parsed.error))
  return { topic: topic.name, body: parsed.data }
}
