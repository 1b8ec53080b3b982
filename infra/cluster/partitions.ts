/**
 * Where each partition of the cluster stands, as a gateway's REST v3 API tells it: the topics
 * (`/v3/clusters/{id}/topics`), each one's partitions with their leader (`…/partitions`), and
 * each partition's replicas with which of them are in sync (`…/partitions/{p}/replicas`, the
 * REST Proxy's KafkaReplica resources with `broker_id`, `is_leader` and `is_in_sync`). The
 * gateway follows the metadata log, so this is the controller's view as of the gateway's offset.
 */

/** How long one request to the gateway may take. */
const REQUEST_TIMEOUT_MS = 5_000

/** One partition: who leads it, where its replicas are, which of them are in sync. */
export interface PartitionStatus {
  readonly partition: number
  /** The leader's broker id; null while the partition has none (offline). */
  readonly leader: number | null
  /** Every replica's broker id in assignment order (the preferred leader first); null when the gateway lists no replicas. */
  readonly replicas: readonly number[] | null
  /** The in-sync replicas' broker ids, in the same order; null as for `replicas`. */
  readonly isr: readonly number[] | null
}

/** One topic and its partitions. */
export interface TopicStatus {
  readonly name: string
  /** An internal topic (`__consumer_offsets`). */
  readonly internal: boolean
  readonly replicationFactor: number
  readonly partitions: readonly PartitionStatus[]
}

/** The parts of the REST Proxy's resources read here. */
interface Collection<T> {
  readonly data: readonly T[]
}
interface TopicData {
  readonly topic_name: string
  readonly is_internal: boolean
  readonly replication_factor: number
}
interface PartitionData {
  readonly partition_id: number
  readonly leader: { readonly related: string } | null
}
interface ReplicaData {
  readonly broker_id: number
  readonly is_in_sync: boolean
}

/**
 * Reads every topic (internal ones too with `internal`) and its partitions from the gateway at
 * `gateway` (a base URL). Throws, naming the request, when the gateway does not answer or
 * refuses; a gateway without replica resources gives partitions with null replicas and ISR.
 */
export async function readPartitions(
  gateway: string,
  options: { readonly internal: boolean },
): Promise<TopicStatus[]> {
  const clusters = await getJson<Collection<{ cluster_id: string }>>(`${gateway}/v3/clusters`)
  const clusterId = clusters?.data[0]?.cluster_id
  if (clusterId === undefined) throw new Error(`${gateway} does not know its cluster yet`)
  const base = `${gateway}/v3/clusters/${encodeURIComponent(clusterId)}/topics`
  const topics =
    (await getJson<Collection<TopicData>>(`${base}?include_internal=${options.internal}`))?.data ??
    []
  const described = await Promise.all(
    topics.map(async (topic): Promise<TopicStatus> => {
      const path = `${base}/${encodeURIComponent(topic.topic_name)}/partitions`
      const partitions = (await getJson<Collection<PartitionData>>(path))?.data ?? []
      return {
        name: topic.topic_name,
        internal: topic.is_internal,
        replicationFactor: topic.replication_factor,
        partitions: await Promise.all(
          partitions.map((partition) => describePartition(path, partition)),
        ),
      }
    }),
  )
  // A topic deleted between the list and its partitions has none left to show.
  return described
    .filter((topic) => topic.partitions.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
}

async function describePartition(path: string, data: PartitionData): Promise<PartitionStatus> {
  const replicas = (await getJson<Collection<ReplicaData>>(`${path}/${data.partition_id}/replicas`))
    ?.data
  return {
    partition: data.partition_id,
    leader: data.leader === null ? null : brokerIdOf(data.leader.related),
    replicas: replicas?.map((replica) => replica.broker_id) ?? null,
    isr:
      replicas?.filter((replica) => replica.is_in_sync).map((replica) => replica.broker_id) ?? null,
  }
}

/** The broker id a leader link ends with (`…/partitions/0/replicas/2` → 2). */
export function brokerIdOf(url: string): number | null {
  const match = /\/(\d+)$/.exec(url)
  return match === null ? null : Number(match[1])
}

/** A JSON GET; undefined for a 404 (a resource that is gone, or a route the gateway lacks). */
async function getJson<T>(url: string): Promise<T | undefined> {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  if (response.status === 404) return undefined
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`)
  }
  return (await response.json()) as T
}
