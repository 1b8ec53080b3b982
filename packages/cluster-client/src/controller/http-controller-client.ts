import {
  type AdminResult,
  type AlterPartitionRequest,
  type AlterPartitionResult,
  type AlterTopicConfigsRequest,
  type BrokerHeartbeatRequest,
  type BrokerHeartbeatResult,
  type ControllerClient,
  type CreatePartitionsRequest,
  type CreateTopicRequest,
  type RegisterBrokerRequest,
  type RegisterBrokerResult,
  validateTopicName,
} from '@tributary/core'
import { ControllerTransport, type ControllerTransportOptions, unexpected } from './transport.ts'

export type HttpControllerClientOptions = ControllerTransportOptions

/**
 * The active controller over its HTTP API (docs/services.md), for brokers and gateways in their
 * own processes. Failures are TributaryErrors: the controller's own (TOPIC_ALREADY_EXISTS,
 * INVALID_PARTITIONS …), NOT_CONTROLLER (retriable) when no controller given is reachable and
 * active, REQUEST_TIMED_OUT when one took too long.
 */
export class HttpControllerClient implements ControllerClient {
  readonly #transport: ControllerTransport

  constructor(options: HttpControllerClientOptions) {
    this.#transport = new ControllerTransport(options)
  }

  async createTopic(request: CreateTopicRequest): Promise<AdminResult> {
    return this.#admin('POST', '/v1/topics', request)
  }

  async deleteTopic(name: string): Promise<AdminResult> {
    return this.#admin('DELETE', topicPath(name))
  }

  async createPartitions(request: CreatePartitionsRequest): Promise<AdminResult> {
    const { name, ...body } = request
    return this.#admin('POST', `${topicPath(name)}/partitions`, body)
  }

  async alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<AdminResult> {
    const { name, ...body } = request
    return this.#admin('POST', `${topicPath(name)}/configs`, body)
  }

  async registerBroker(request: RegisterBrokerRequest): Promise<RegisterBrokerResult> {
    const answer = await this.#transport.request('POST', '/v1/brokers', { body: request })
    const { metadataOffset } = adminResult(answer, this.#where())
    const brokerEpoch = (answer as { brokerEpoch?: unknown }).brokerEpoch
    if (!Number.isInteger(brokerEpoch)) throw unexpected(this.#where(), 'no brokerEpoch')
    return { brokerEpoch: brokerEpoch as number, metadataOffset }
  }

  async brokerHeartbeat(request: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResult> {
    const { brokerId, ...body } = request
    const path = `/v1/brokers/${encodeURIComponent(String(brokerId))}/heartbeat`
    const answer = await this.#transport.request('POST', path, { body })
    const fenced = (answer as { fenced?: unknown } | null)?.fenced
    if (typeof fenced !== 'boolean') throw unexpected(this.#where(), 'no fenced flag')
    return { fenced }
  }

  async alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    const { brokerId, ...body } = request
    const path = `/v1/brokers/${encodeURIComponent(String(brokerId))}/alter-partition`
    const answer = await this.#transport.request('POST', path, { body })
    return alterPartitionResult(answer, this.#where())
  }

  async #admin(method: string, path: string, body?: unknown): Promise<AdminResult> {
    const answer = await this.#transport.request(method, path, { body })
    return adminResult(answer, this.#where())
  }

  #where(): string {
    return this.#transport.urls.join(', ')
  }
}

/**
 * A topic's path. The name is checked first, as Kafka's admin client does: an illegal name
 * (`..`, `a/b`) could not travel in a URL path unchanged, and no topic can have it anyway.
 */
function topicPath(name: string): string {
  validateTopicName(name)
  return `/v1/topics/${encodeURIComponent(name)}`
}

/** The partition's state as the controller answered it; UNKNOWN_SERVER_ERROR if misshapen. */
function alterPartitionResult(answer: unknown, where: string): AlterPartitionResult {
  const { metadataOffset } = adminResult(answer, where)
  const { leader, leaderEpoch, partitionEpoch, isr } = answer as Record<string, unknown>
  if (
    !Number.isInteger(leader) ||
    !Number.isInteger(leaderEpoch) ||
    !Number.isInteger(partitionEpoch) ||
    !Array.isArray(isr) ||
    !isr.every((id) => Number.isInteger(id))
  ) {
    throw unexpected(where, 'no partition state')
  }
  return {
    leader: leader as number,
    leaderEpoch: leaderEpoch as number,
    partitionEpoch: partitionEpoch as number,
    isr: isr as number[],
    metadataOffset,
  }
}

function adminResult(answer: unknown, where: string): AdminResult {
  const metadataOffset = (answer as { metadataOffset?: unknown } | null)?.metadataOffset
  if (!Number.isInteger(metadataOffset)) throw unexpected(where, 'no metadataOffset')
  return { metadataOffset: metadataOffset as number }
}
