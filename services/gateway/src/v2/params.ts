import { z } from '@hono/zod-openapi'

/** Path and query parameters of the v2 routes, for the document; handlers parse the values. */
export const topicParams = z.object({
  topic: z.string().openapi({ param: { name: 'topic', in: 'path' }, example: 'orders' }),
})

export const partitionParams = topicParams.extend({
  partition: z.string().openapi({
    param: { name: 'partition', in: 'path' },
    type: 'integer',
    example: '0',
  }),
})

export const asyncQuery = z.object({
  async: z
    .string()
    .optional()
    .openapi({
      param: { name: 'async', in: 'query' },
      type: 'boolean',
      description:
        'true: answer as soon as the gateway has accepted the records, before the broker has them (HTTP 202, offsets null). At-most-once: a record lost later is only logged.',
    }),
})

export const includeInternalQuery = z.object({
  include_internal: z
    .string()
    .optional()
    .openapi({
      param: { name: 'include_internal', in: 'query' },
      type: 'boolean',
      description: 'Extension: true also lists internal topics (__consumer_offsets)',
    }),
})
