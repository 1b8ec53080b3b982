import {
  CLIENT_ENDPOINT,
  type DataPlaneClient,
  type DataPlaneConnector,
  ErrorCode,
  type Logger,
  type MetadataFollower,
  TributaryError,
} from '@tributary/core'

/** What the gateway needs of the metadata follower: the current image and read-your-writes. */
export type MetadataView = Pick<MetadataFollower, 'image' | 'waitFor'>

/** A partition's leader as the gateway's image names it, and the connection to it. */
export interface Leader {
  readonly brokerId: number
  readonly client: DataPlaneClient
}

interface Connection {
  /** host:port and broker epoch the client was opened for; a re-registration replaces it. */
  readonly key: string
  readonly client: DataPlaneClient
}

/**
 * Finds each partition's leader in the current metadata image and keeps one data-plane client
 * per broker, opened on first use through the injected connector. A broker that registers again
 * (new epoch or endpoint) gets a new client; a client whose call failed is dropped with
 * {@link discard}, so the next attempt reconnects.
 */
export class LeaderRouter {
  readonly #metadata: MetadataView
  readonly #connector: DataPlaneConnector
  readonly #logger: Logger
  readonly #connections = new Map<number, Connection>()

  constructor(metadata: MetadataView, connector: DataPlaneConnector, logger: Logger) {
    this.#metadata = metadata
    this.#connector = connector
    this.#logger = logger
  }

  /**
   * The leader of a partition. Throws UNKNOWN_TOPIC_OR_PARTITION when the image has no such
   * partition, and a retriable NOT_LEADER_OR_FOLLOWER when it has no reachable leader right now
   * (offline, or a leader without a data-plane endpoint): fresher metadata may fix that.
   */
  leaderOf(topic: string, partition: number): Leader {
    const image = this.#metadata.image
    const state = image.partition(topic, partition)
    if (state === undefined) {
      throw new TributaryError(
        ErrorCode.UnknownTopicOrPartition,
        `This server does not host this topic-partition: ${topic}-${partition}`,
      )
    }
    if (state.leader < 0) {
      throw new TributaryError(
        ErrorCode.NotLeaderOrFollower,
        `${topic}-${partition} has no leader right now`,
      )
    }
    const broker = image.broker(state.leader)
    const endpoint = broker?.endpoints.find((candidate) => candidate.name === CLIENT_ENDPOINT)
    if (broker === undefined || endpoint === undefined) {
      throw new TributaryError(
        ErrorCode.NotLeaderOrFollower,
        `the leader of ${topic}-${partition}, broker ${state.leader}, has no data-plane endpoint`,
      )
    }
    const key = `${endpoint.host}:${endpoint.port}#${broker.brokerEpoch}`
    const current = this.#connections.get(broker.brokerId)
    if (current?.key === key) return { brokerId: broker.brokerId, client: current.client }
    if (current !== undefined) this.#close(broker.brokerId, current)
    const client = this.#connector.connect(broker.brokerId, endpoint)
    this.#connections.set(broker.brokerId, { key, client })
    return { brokerId: broker.brokerId, client }
  }

  /** Drops a client whose call failed, if it is still the broker's current one. */
  discard(leader: Leader): void {
    const current = this.#connections.get(leader.brokerId)
    if (current?.client === leader.client) this.#close(leader.brokerId, current)
  }

  async close(): Promise<void> {
    const closing = [...this.#connections.values()].map((connection) =>
      connection.client.close().catch(() => {}),
    )
    this.#connections.clear()
    await Promise.all(closing)
  }

  #close(brokerId: number, connection: Connection): void {
    this.#connections.delete(brokerId)
    connection.client.close().catch((error: unknown) => {
      this.#logger.debug({ err: error, brokerId }, 'closing a data-plane client failed')
    })
  }
}

/**
 * Resolves after the metadata image moves past where it is now, or after `ms`, whichever comes
 * first: the pause before retrying a request that failed for want of fresher metadata.
 */
export function metadataOrTimeout(metadata: MetadataView, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    void metadata.waitFor(metadata.image.offset + 1).then(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
