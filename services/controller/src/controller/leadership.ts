import type { MetadataImage, MetadataRecord, TopicState } from '@tributary/core'

export type PartitionChangeRecord = Extract<MetadataRecord, { type: 'partition-change' }>

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Whether `unclean.leader.election.enable` is true for `topic`: its own override, else the
 * cluster's value, else Kafka's default (false).
 */
export function uncleanElectionAllowed(image: MetadataImage, topic: TopicState): boolean {
  const key = 'unclean.leader.election.enable'
  return (topic.configs[key] ?? image.clusterConfigs[key] ?? 'false') === 'true'
}

/**
 * Leader and ISR changes when broker `brokerId` goes out of service (fenced, or replaced by a new
 * registration): it leaves every ISR, except that the last member stays (as in Kafka, so the
 * partition can come back with it without an unclean election), and each partition it led moves
 * to the first other in-sync replica that is unfenced, or goes offline (leader -1). With
 * `unclean.leader.election.enable`, a partition that would go offline is led instead by the first
 * live replica outside the ISR, which becomes the whole ISR (what the old ISR held beyond it is
 * lost, as the setting accepts). Pure.
 */
export function fencingChanges(image: MetadataImage, brokerId: number): PartitionChangeRecord[] {
  const live = (id: number) => id !== brokerId && image.broker(id)?.fenced === false
  const changes: PartitionChangeRecord[] = []
  for (const topic of image.topics) {
    for (const partition of topic.partitions) {
      const leads = partition.leader === brokerId
      if (!leads && !partition.isr.includes(brokerId)) continue
      const shrunk = partition.isr.filter((id) => id !== brokerId)
      const isr = shrunk.length > 0 ? shrunk : [...partition.isr]
      const change: Mutable<PartitionChangeRecord> = {
        type: 'partition-change',
        topicId: topic.topicId,
        partition: partition.partition,
      }
      if (isr.length !== partition.isr.length) change.isr = isr
      if (leads) change.leader = isr.find(live) ?? -1
      if (change.leader === -1 && uncleanElectionAllowed(image, topic)) {
        const unclean = partition.replicas.find(live)
        if (unclean !== undefined) {
          change.leader = unclean
          change.isr = [unclean]
        }
      }
      if (change.isr !== undefined || change.leader !== undefined) changes.push(change)
    }
  }
  return changes
}

/**
 * Leader changes when broker `brokerId` comes back into service (unfenced): an offline partition
 * whose ISR holds it gets a leader again (the first replica in preferred order that is in the ISR
 * and unfenced), and a partition whose preferred leader (first replica) it is gets it back as
 * leader. With `unclean.leader.election.enable`, an offline partition whose ISR holds no live
 * broker takes it as leader and sole ISR member even though it is out of sync. Computed on the
 * image before the unfence applies. Pure.
 */
export function unfencingChanges(image: MetadataImage, brokerId: number): PartitionChangeRecord[] {
  const live = (id: number) => id === brokerId || image.broker(id)?.fenced === false
  const changes: PartitionChangeRecord[] = []
  for (const topic of image.topics) {
    for (const partition of topic.partitions) {
      if (
        partition.leader === -1 &&
        partition.replicas.includes(brokerId) &&
        !partition.isr.some(live) &&
        uncleanElectionAllowed(image, topic)
      ) {
        changes.push({
          type: 'partition-change',
          topicId: topic.topicId,
          partition: partition.partition,
          leader: brokerId,
          isr: [brokerId],
        })
        continue
      }
      if (!partition.isr.includes(brokerId)) continue
      let leader: number | undefined
      if (partition.leader === -1) {
        leader = partition.replicas.find((id) => partition.isr.includes(id) && live(id))
      } else if (partition.replicas[0] === brokerId && partition.leader !== brokerId) {
        leader = brokerId
      }
      if (leader === undefined) continue
      changes.push({
        type: 'partition-change',
        topicId: topic.topicId,
        partition: partition.partition,
        leader,
      })
    }
  }
  return changes
}
