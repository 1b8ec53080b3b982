/**
 * What every service process does with NATS, in one place: connect (reconnecting forever, the
 * connection's status changes logged), read the latest metadata snapshot as an image to start
 * from, and for brokers and gateways open the whole control plane: a controller client and the
 * metadata log (read only) on one connection.
 */
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import {
  type Logger,
  MetadataImage,
  type MetadataReader,
  type MetadataSnapshotStore,
} from '@tributary/core'
import { NatsControllerClient } from '../controller-rpc/index.ts'
import { NatsMetadataLog } from '../metadata-log/index.ts'
import { NatsSnapshotStore } from '../snapshot/index.ts'

/** Connects to `servers` as `name`, reconnecting forever; status changes go to `logger`. */
export async function connectNats(options: {
  readonly servers: readonly string[]
  readonly name: string
  readonly logger: Logger
}): Promise<NatsConnection> {
  const { logger } = options
  const connection = await connect({
    servers: [...options.servers],
    name: options.name,
    maxReconnectAttempts: -1,
  })
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') logger.warn({ server: status.server }, 'NATS disconnected')
      else if (status.type === 'reconnect')
        logger.info({ server: status.server }, 'NATS reconnected')
      else if (status.type === 'error') logger.error({ err: status.error }, 'NATS error')
    }
  })()
  return connection
}

/** The latest snapshot as an image to replay from; undefined (replay it all) if none is usable. */
export async function latestImage(
  snapshots: MetadataSnapshotStore,
  logger: Logger,
): Promise<MetadataImage | undefined> {
  try {
    const snapshot = await snapshots.latest()
    if (snapshot === undefined) return undefined
    logger.info({ offset: snapshot.offset }, 'starting from the latest metadata snapshot')
    return MetadataImage.fromSnapshot(snapshot)
  } catch (error) {
    logger.warn({ err: error }, 'the latest metadata snapshot is unusable; replaying the whole log')
    return undefined
  }
}

/** A broker's or gateway's control plane over NATS. */
export interface NatsControlPlane {
  readonly connection: NatsConnection
  readonly controller: NatsControllerClient
  /** The metadata log, read only: only the active controller appends. */
  readonly metadata: MetadataReader
  /** The latest snapshot's image to follow from; undefined: follow from the log's start. */
  readonly initialImage: MetadataImage | undefined
  /** For the 'listening' log line. */
  readonly where: Record<string, unknown>
  /** Closes the log, then drains the connection (after the service has stopped). */
  close(): Promise<void>
}

/** Connects and opens the controller client, the metadata log and the latest snapshot. */
export async function openNatsControlPlane(options: {
  readonly servers: readonly string[]
  readonly clusterId: string
  /** The connection's name, as NATS monitoring shows it. */
  readonly name: string
  readonly logger: Logger
}): Promise<NatsControlPlane> {
  const { clusterId, logger } = options
  const connection = await connectNats(options)
  try {
    const log = await NatsMetadataLog.open({ connection, clusterId, logger })
    const snapshots = await NatsSnapshotStore.open({ connection, clusterId, logger })
    const initialImage = await latestImage(snapshots, logger)
    return {
      connection,
      controller: new NatsControllerClient(connection, clusterId),
      metadata: log,
      initialImage,
      where: { nats: connection.getServer(), clusterId },
      close: async () => {
        await log.close()
        await connection.drain()
      },
    }
  } catch (error) {
    await connection.close().catch(() => {})
    throw error
  }
}
