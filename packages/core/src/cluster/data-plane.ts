import type { GroupOp, GroupRequestOf, GroupResponse } from '../group/index.ts'
import type { BrokerEndpoint } from '../metadata/index.ts'
import type {
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
  ProduceRequest,
  ProduceResponse,
} from '../protocol/index.ts'

/**
 * One broker's data plane as a caller sees it: produce to, fetch from and list offsets of the
 * partitions it leads, and ask the group coordinator it runs. Over a TCP connection between processes; a direct call in combined mode.
 * Partition-level failures come back in the response's error code (NOT_LEADER_OR_FOLLOWER …);
 * a rejected promise means the broker could not be reached or the connection failed.
 */
export interface DataPlaneClient {
  produce(request: ProduceRequest): Promise<ProduceResponse>
  fetch(request: FetchRequest): Promise<FetchResponse>
  listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse>
  /** Where a leader epoch ends in the leader's log: how a follower finds where to truncate. */
  offsetsForLeaderEpoch(
    request: OffsetsForLeaderEpochRequest,
  ): Promise<OffsetsForLeaderEpochResponse>
  /**
   * An operation of the group coordinator this broker runs for the groups whose
   * `__consumer_offsets` partition it leads; failures (NOT_COORDINATOR …) come back in the response.
   */
  group<Op extends GroupOp>(request: GroupRequestOf<Op>): Promise<GroupResponse<Op>>
  close(): Promise<void>
}

/** Opens data-plane clients to brokers, by the endpoint the broker registered. */
export interface DataPlaneConnector {
  connect(brokerId: number, endpoint: BrokerEndpoint): DataPlaneClient
}

/** The name of the endpoint a broker registers for its data plane. */
export const CLIENT_ENDPOINT = 'client'

/**
 * The name of the endpoint followers fetch from (replication traffic). Today the same port as
 * {@link CLIENT_ENDPOINT}; registered on its own so it can move to another listener.
 */
export const INTERNAL_ENDPOINT = 'internal'
