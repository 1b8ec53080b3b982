import { BadResponseError } from '../errors/index.ts'
import type {
  ConsumedOffset,
  ConsumeInput,
  ConsumerAssignmentData,
  ConsumerData,
  ConsumerGroupData,
  ConsumerLagData,
  ConsumerRef,
  CreateConsumerInput,
  CreatedConsumer,
  GroupOffsetData,
  ResetOffsetsInput,
} from './group-types.ts'
import {
  arrayOf,
  dataOf,
  objectOf,
  segment,
  type Transport,
  V2_BINARY,
  V2_JSON,
  V3_JSON,
} from './transport.ts'
import type { ConsumedRecord } from './types.ts'

/**
 * The consumer calls of the REST client: REST Proxy v2 consumer instances (create, subscribe,
 * poll records, commit, delete) and v3 consumer groups (list, describe, members, lags, and
 * the `offsets:reset` extension). Instances are addressed below the bootstrap server, not
 * through the `base_uri` the server answers: the gateway is stateless, so any gateway serves
 * any instance, and the address the user gave works where an advertised one may not (proxies,
 * port forwards).
 */

/** The consumer calls, one method per REST call. */
export interface ConsumerCalls {
  /** v2 `POST /consumers/{group}`: a consumer instance in the group. */
  createConsumer(group: string, input: CreateConsumerInput): Promise<CreatedConsumer>
  /** v2 subscription to topics by name (replaces any previous one). */
  subscribe(consumer: ConsumerRef, topics: readonly string[]): Promise<void>
  /** v2 `GET .../records` in the binary embedded format: the next records of the instance. */
  consumeRecords(consumer: ConsumerRef, input: ConsumeInput): Promise<ConsumedRecord[]>
  /**
   * v2 `POST .../offsets`: with offsets, commits each one's offset + 1 (the REST Proxy's
   * convention: the offset of the last record processed); without, everything delivered.
   */
  commitOffsets(consumer: ConsumerRef, offsets?: readonly ConsumedOffset[]): Promise<void>
  /** v2 `DELETE .../instances/{instance}`. */
  deleteConsumer(consumer: ConsumerRef): Promise<void>
  /** v3 consumer groups of the cluster. */
  listConsumerGroups(): Promise<ConsumerGroupData[]>
  getConsumerGroup(group: string): Promise<ConsumerGroupData>
  listGroupConsumers(group: string): Promise<ConsumerData[]>
  listConsumerAssignments(group: string, consumer: string): Promise<ConsumerAssignmentData[]>
  /** v3 lags: one per partition the group has a committed offset for or an owner of. */
  listConsumerLags(group: string): Promise<ConsumerLagData[]>
  /** The v3 `offsets:reset` extension; refused (409) while the group has members. */
  resetGroupOffsets(group: string, input: ResetOffsetsInput): Promise<GroupOffsetData[]>
}

/** The REST Proxy's instance config keys for {@link CreateConsumerInput}. */
export const createConsumerBody = (
  input: CreateConsumerInput,
): Record<string, string | number> => ({
  ...(input.name === undefined ? {} : { name: input.name }),
  format: input.format,
  'auto.offset.reset': input.autoOffsetReset,
  'auto.commit.enable': String(input.autoCommit),
  ...(input.requestTimeoutMs === undefined
    ? {}
    : { 'consumer.request.timeout.ms': input.requestTimeoutMs }),
})

/** The consumer calls over `transport`. */
export const createConsumerCalls = (transport: Transport): ConsumerCalls => {
  const { request } = transport
  const instancePath = ({ group, instance }: ConsumerRef): string =>
    `/consumers/${segment(group)}/instances/${segment(instance)}`
  const groupsPath = async (group?: string): Promise<string> => {
    const base = `/v3/clusters/${segment(await transport.clusterId())}/consumer-groups`
    return group === undefined ? base : `${base}/${segment(group)}`
  }
  const list = async <T>(path: string, what: string): Promise<T[]> =>
    dataOf<T>(await request({ method: 'GET', path, accept: V3_JSON }), what)

  return {
    async createConsumer(group, input) {
      const body = await request({
        method: 'POST',
        path: `/consumers/${segment(group)}`,
        accept: V2_JSON,
        contentType: V2_JSON,
        body: createConsumerBody(input),
      })
      const created = objectOf<CreatedConsumer>(body, 'create consumer')
      if (typeof created.instance_id !== 'string') {
        throw new BadResponseError("the server's create consumer answer has no instance_id")
      }
      return created
    },
    async subscribe(consumer, topics) {
      await request({
        method: 'POST',
        path: `${instancePath(consumer)}/subscription`,
        accept: V2_JSON,
        contentType: V2_JSON,
        body: { topics },
      })
    },
    async consumeRecords(consumer, input) {
      const query = new URLSearchParams({
        timeout: String(input.timeoutMs),
        max_bytes: String(input.maxBytes),
      })
      const body = await request({
        method: 'GET',
        path: `${instancePath(consumer)}/records?${query}`,
        accept: V2_BINARY,
        signal: input.signal,
      })
      // An empty answer body counts as no records.
      return body === undefined ? [] : arrayOf<ConsumedRecord>(body, 'records')
    },
    async commitOffsets(consumer, offsets) {
      await request({
        method: 'POST',
        path: `${instancePath(consumer)}/offsets`,
        accept: V2_JSON,
        contentType: V2_JSON,
        ...(offsets === undefined ? {} : { body: { offsets } }),
      })
    },
    async deleteConsumer(consumer) {
      await request({
        method: 'DELETE',
        path: instancePath(consumer),
        accept: V2_JSON,
        contentType: V2_JSON,
      })
    },
    async listConsumerGroups() {
      return list<ConsumerGroupData>(await groupsPath(), 'consumer groups')
    },
    async getConsumerGroup(group) {
      const path = await groupsPath(group)
      return objectOf<ConsumerGroupData>(
        await request({ method: 'GET', path, accept: V3_JSON }),
        'consumer group',
      )
    },
    async listGroupConsumers(group) {
      return list<ConsumerData>(`${await groupsPath(group)}/consumers`, 'consumers')
    },
    async listConsumerAssignments(group, consumer) {
      const path = `${await groupsPath(group)}/consumers/${segment(consumer)}/assignments`
      return list<ConsumerAssignmentData>(path, 'assignments')
    },
    async listConsumerLags(group) {
      return list<ConsumerLagData>(`${await groupsPath(group)}/lags`, 'lags')
    },
    async resetGroupOffsets(group, input) {
      const body = await request({
        method: 'POST',
        path: `${await groupsPath(group)}/offsets:reset`,
        accept: V3_JSON,
        body: {
          topic_name: input.topic,
          ...(input.partition === undefined ? {} : { partition_id: input.partition }),
          to: input.target.to,
          ...(input.target.to === 'offset' ? { offset: input.target.offset } : {}),
        },
      })
      return dataOf<GroupOffsetData>(body, 'offsets reset')
    },
  }
}
