import { ServerError } from '../errors/index.ts'
import type { RestClient } from '../rest/index.ts'
import type { PartitionStart } from './read.ts'

/** Where to start reading: a fixed offset, or an end of each partition's log. */
export type StartPosition =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'offset'; readonly offset: number }

/**
 * The partitions to read (all of the topic's from v3, or the one asked for) and each one's
 * first offset. Log ends come from v2 `GET /topics/{t}/partitions/{p}/offsets`; a server that
 * does not serve that route still reads from the beginning, at offset 0.
 */
export const resolveStarts = async (
  client: RestClient,
  topic: string,
  partition: number | undefined,
  position: StartPosition,
): Promise<PartitionStart[]> => {
  const partitions =
    partition === undefined
      ? (await client.listPartitions(topic)).map((p) => p.partition_id).sort((a, b) => a - b)
      : [partition]
  return Promise.all(
    partitions.map(async (id): Promise<PartitionStart> => {
      if (position.kind === 'offset') return { partition: id, offset: position.offset }
      try {
        const offsets = await client.partitionOffsets(topic, id)
        return {
          partition: id,
          offset: position.kind === 'earliest' ? offsets.beginning_offset : offsets.end_offset,
        }
      } catch (error) {
        const missingRoute =
          error instanceof ServerError && error.status === 404 && error.errorCode === 404
        if (missingRoute && position.kind === 'earliest') return { partition: id, offset: 0 }
        throw error
      }
    }),
  )
}
