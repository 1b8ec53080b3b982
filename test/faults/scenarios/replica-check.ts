import type { DrainedPartition } from '../history/index.ts'
import { compareReplicaLogs } from '../replicas/index.ts'
import type { RoundContext } from './round.ts'

/**
 * The scenarios' replica check, run after the drain: every replica of the round's topic holds
 * the drained records below the high watermark, byte for byte the same batches as the others
 * (brokers stopped and started again around it). Each difference is a violation.
 */
export async function checkReplicaContents(
  context: RoundContext,
  drain: readonly DrainedPartition[],
): Promise<void> {
  const replicas = new Map(context.initial.map((view) => [view.partition, view.replicas]))
  const problems = await compareReplicaLogs(
    context.cluster,
    context.topic,
    drain,
    (partition) => replicas.get(partition) ?? [],
  )
  for (const problem of problems) context.violation(problem)
}
