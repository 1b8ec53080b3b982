import { setTimeout as sleep } from 'node:timers/promises'
import type { GatewayClient } from '../gateway/index.ts'
import { type DrainedPartition, now, type Observed } from '../history/index.ts'

/** How long the drain of one partition may keep failing (no leader, leader moving) at most. */
export const DRAIN_TIMEOUT_MS = 60_000

/**
 * The final drain: once the faults have healed and the workload stopped, reads each partition of
 * `topic` from its first offset to its high watermark, and on until a read finds nothing more.
 * Errors (a leader still moving) are retried up to `timeoutMs`, then thrown.
 */
export async function drainTopic(
  gateway: GatewayClient,
  topic: string,
  partitions: number,
  timeoutMs = DRAIN_TIMEOUT_MS,
): Promise<DrainedPartition[]> {
  const drained: DrainedPartition[] = []
  for (let partition = 0; partition < partitions; partition++) {
    drained.push(await drainPartition(gateway, topic, partition, now() + timeoutMs))
  }
  return drained
}

async function drainPartition(
  gateway: GatewayClient,
  topic: string,
  partition: number,
  deadline: number,
): Promise<DrainedPartition> {
  const records: Observed[] = []
  let lastError: unknown
  const retry = async () => {
    if (now() > deadline) {
      throw new Error(`drain of ${topic}-${partition}: ${(lastError as Error)?.message}`, {
        cause: lastError,
      })
    }
    await sleep(100)
  }
  let offsets: { beginning: number; end: number } | undefined
  while (offsets === undefined) {
    try {
      offsets = await gateway.offsets(topic, partition)
    } catch (error) {
      lastError = error
      await retry()
    }
  }
  let next = offsets.beginning
  for (;;) {
    let batch: Observed[]
    try {
      batch = await gateway.read(topic, partition, next, { waitMs: 0 })
    } catch (error) {
      lastError = error
      await retry()
      continue
    }
    for (const record of batch) {
      records.push(record)
      next = record.offset + 1
    }
    if (batch.length > 0) continue
    if (next >= offsets.end) break
    // A high watermark below the end seen a moment ago: a new leader still catching it up.
    lastError = new Error(`nothing at ${next}, below the end ${offsets.end}`)
    await retry()
  }
  return { partition, startOffset: offsets.beginning, endOffset: next, records }
}
