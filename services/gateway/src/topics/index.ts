import { type Acks, isInternalTopic, type TopicState } from '@tributary/core'
import { badRequest, RestError, RestErrorCode } from '../errors/index.ts'
import { acksNamed } from '../produce/index.ts'

/**
 * Reading topics out of the metadata image for the REST shapes, and the small parsers of path
 * and query values every route shares.
 */

export {
  type EffectiveTopicConfig,
  type TopicConfigSource,
  type TopicConfigSynonym,
  topicConfigEntries,
} from './configs.ts'

/** A topic's replication factor: its first partition's replica count (0 with no partitions). */
export function replicationFactorOf(topic: TopicState): number {
  return topic.partitions[0]?.replicas.length ?? 0
}

/** A partition id from a path: a non-negative int32, else undefined (answered as not found). */
export function parsePartitionId(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[0-9]{1,10}$/.test(raw)) return undefined
  const value = Number(raw)
  return value <= 0x7fff_ffff ? value : undefined
}

/** A broker id from a path: a non-negative int32 too, else undefined (answered as not found). */
export const parseBrokerId = parsePartitionId

/** An optional integer query parameter within [min, max]; 400 when malformed. */
export function integerQuery(
  raw: string | undefined,
  name: string,
  range: { min: number; max?: number },
): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const value = /^-?[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(value) || value < range.min) {
    throw badRequest(
      `Query parameter ${name} must be an integer of at least ${range.min}, got ${JSON.stringify(raw)}`,
    )
  }
  return range.max === undefined ? value : Math.min(value, range.max)
}

/** The `async` produce flag: absent or `false` is false, `true` is true, anything else 400. */
export function asyncFlag(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false
  if (raw === 'true') return true
  throw badRequest(`Query parameter async must be true or false, got ${JSON.stringify(raw)}`)
}

/** The `acks` produce parameter: 0, 1, all or -1; absent or empty is `fallback`, anything else 400. */
export function acksParam(raw: string | undefined, fallback: Acks): Acks {
  if (raw === undefined || raw === '') return fallback
  const acks = acksNamed(raw)
  if (acks === undefined) {
    throw badRequest(`Query parameter acks must be 0, 1, all or -1, got ${JSON.stringify(raw)}`)
  }
  return acks
}

/** The `include_internal` listing flag (an extension): absent or `false` hides internal topics. */
export function includeInternalFlag(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false
  if (raw === 'true') return true
  throw badRequest(
    `Query parameter include_internal must be true or false, got ${JSON.stringify(raw)}`,
  )
}

/** The topics a listing shows: internal ones (`__consumer_offsets`) only when asked for. */
export function listedTopics<T extends { name: string }>(
  topics: readonly T[],
  includeInternal: boolean,
): T[] {
  return includeInternal ? [...topics] : topics.filter((topic) => !isInternalTopic(topic.name))
}

/** Refuses produce to an internal topic (400/40002): only the coordinators write there. */
export function refuseInternalProduce(name: string): void {
  if (isInternalTopic(name)) {
    throw new RestError(RestErrorCode.KafkaBadRequest, `Cannot produce to internal topic ${name}`)
  }
}
