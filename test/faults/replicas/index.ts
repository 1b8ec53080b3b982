/**
 * Replica contents, compared on disk: with the brokers stopped, each replica's partition directory
 * is opened with @tributary/storage's `PartitionLog` and its batches below the drained high
 * watermark are compared byte for byte with the other replicas', and record by record with the
 * final drain. A follower that rejoined with a diverged log, or an old leader whose unreplicated
 * tail was not truncated, shows here.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { decodeRecordBatches } from '@tributary/core'
import { PartitionLog } from '@tributary/storage'
import type { Cluster } from '../../harness/cluster.ts'
import type { DrainedPartition } from '../history/index.ts'
import { FAULT_BOUND_MS } from '../injector/index.ts'

/** One replica's log below the high watermark. */
export interface ReplicaCopy {
  readonly brokerId: number
  /** Its batches from its log start up to the high watermark, exactly as stored. */
  readonly batches: readonly Uint8Array[]
  /** Its log end offset (it may hold more than the high watermark). */
  readonly logEndOffset: number
}

/**
 * Where a broker keeps a partition replica: `<--data-dir>/broker-<id>/<topic>-<partition>`, the
 * broker's layout (services/broker create-broker.ts and replica/partition-dir.ts).
 */
export function replicaDir(
  dataDir: string,
  brokerId: number,
  topic: string,
  partition: number,
): string {
  return join(dataDir, `broker-${brokerId}`, `${topic}-${partition}`)
}

/** Reads one replica's batches up to `endOffset` (exclusive); its broker must not be running. */
export async function readReplica(
  dir: string,
  brokerId: number,
  endOffset: number,
): Promise<ReplicaCopy> {
  const log = await PartitionLog.open({ dir })
  try {
    const batches: Uint8Array[] = []
    let from = log.logStartOffset
    while (from < Math.min(endOffset, log.logEndOffset)) {
      const read = log.read(from, 1 << 20, endOffset)
      if (read.batches.length === 0) break
      batches.push(...read.batches)
      from = read.nextOffset
    }
    return { brokerId, batches, logEndOffset: log.logEndOffset }
  } finally {
    await log.close()
  }
}

/**
 * What is wrong with the copies of one partition (empty: nothing): each must hold exactly the
 * drained records below the high watermark, and the same batches, byte for byte, as the first.
 */
export function compareCopies(
  topic: string,
  drained: DrainedPartition,
  copies: readonly ReplicaCopy[],
): string[] {
  const name = `${topic}-${drained.partition}`
  const problems: string[] = []
  const expected = new Map(drained.records.map((record) => [record.offset, record.value]))
  for (const copy of copies) {
    const held = new Map<number, string>()
    for (const batch of copy.batches) {
      for (const { records } of decodeRecordBatches(batch)) {
        for (const record of records) {
          if (record.offset < drained.endOffset) {
            held.set(record.offset, Buffer.from(record.value ?? new Uint8Array()).toString())
          }
        }
      }
    }
    const differing = [...expected].find(([offset, value]) => held.get(offset) !== value)
    const extra = [...held.keys()].find((offset) => !expected.has(offset))
    if (differing !== undefined) {
      const [offset, value] = differing
      problems.push(
        `${name} on broker ${copy.brokerId}: offset ${offset} holds ${JSON.stringify(held.get(offset))}, the drain read ${JSON.stringify(value)} (log end ${copy.logEndOffset})`,
      )
    } else if (extra !== undefined) {
      problems.push(
        `${name} on broker ${copy.brokerId}: offset ${extra} below the high watermark ${drained.endOffset} was not in the drain`,
      )
    }
  }
  const [reference, ...others] = copies
  if (reference === undefined) return problems
  const referenceBytes = Buffer.concat(reference.batches)
  for (const copy of others) {
    const bytes = Buffer.concat(copy.batches)
    if (bytes.equals(referenceBytes)) continue
    const index = copy.batches.findIndex(
      (batch, at) => !Buffer.from(batch).equals(Buffer.from(reference.batches[at] ?? [])),
    )
    const batch = copy.batches[index] ?? reference.batches[index]
    const baseOffset =
      batch === undefined ? 'the end' : Buffer.from(batch).readBigInt64BE(0).toString()
    problems.push(
      `${name}: broker ${copy.brokerId}'s batches differ from broker ${reference.brokerId}'s below ${drained.endOffset}, from the batch at ${baseOffset} (${bytes.length} and ${referenceBytes.length} bytes)`,
    )
  }
  return problems
}

/**
 * Stops every broker of `cluster` (SIGTERM), compares the replicas of each drained partition
 * (`replicasOf` names the brokers holding it), then starts every broker again and waits until
 * they are unfenced. Answers what is wrong (empty: the replicas agree with each other and the
 * drain).
 */
export async function compareReplicaLogs(
  cluster: Cluster,
  topic: string,
  drain: readonly DrainedPartition[],
  replicasOf: (partition: number) => readonly number[],
): Promise<string[]> {
  const brokers = [...cluster.brokers.values()]
  await Promise.all(brokers.map((broker) => broker.stop()))
  try {
    const problems: string[] = []
    for (const drained of drain) {
      const copies: ReplicaCopy[] = []
      for (const brokerId of replicasOf(drained.partition)) {
        const broker = cluster.broker(brokerId)
        const dir = replicaDir(broker.dataDir, brokerId, topic, drained.partition)
        // Opening a missing directory would create an empty log there: report it instead.
        if (existsSync(dir)) copies.push(await readReplica(dir, brokerId, drained.endOffset))
        else problems.push(`${topic}-${drained.partition}: broker ${brokerId} has no ${dir}`)
      }
      problems.push(...compareCopies(topic, drained, copies))
    }
    return problems
  } finally {
    await Promise.all(brokers.map((broker) => broker.start({ waitUnfenced: false })))
    await Promise.all(brokers.map((broker) => broker.waitUnfenced(FAULT_BOUND_MS)))
  }
}
