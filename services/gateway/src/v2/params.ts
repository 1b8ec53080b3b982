import { z } from '@hono/zod-openapi'
import { ACKS_NAMES } from '../produce/index.ts'

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

export const produceQuery = z.object({
  async: z
    .string()
    .optional()
    .openapi({
      param: { name: 'async', in: 'query' },
      type: 'boolean',
      description:
        'true: answer as soon as the gateway has accepted the records, before the broker has them (HTTP 202, offsets null). At-most-once: a record lost later is only logged.',
    }),
  acks: z
    .string()
    .optional()
    .openapi({
      param: { name: 'acks', in: 'query' },
      enum: [...ACKS_NAMES],
      description:
        "Extension: the replicas that must have the records before the answer. all (or -1): every in-sync replica, and only while there are at least min.insync.replicas of them; 1: the leader alone; 0: none, the answer comes once the records are sent to the leader, which confirms nothing, so offsets are null (HTTP 200) and a record the leader refuses is lost unseen. Default: the gateway's --acks, all unless set.",
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
