import { setTimeout as sleep } from 'node:timers/promises'
import type { Cluster } from '../../harness/cluster.ts'
import { openMetadataLog } from '../../harness/cluster.ts'
import { checkHistory } from '../checker/index.ts'
import { fullyInSync } from '../gateway/index.ts'
import { drainTopic, startWorkload } from '../workload/index.ts'
import {
  createTopic,
  FAULT_TOPIC_SPEC,
  type RoundContext,
  runRound,
  type ScenarioOptions,
  type ScenarioResult,
} from './round.ts'

/**
 * Scenario 6: SIGKILL the active controller during a topic creation and during an ISR change,
 * while the workload runs on the round's topic. The topic is created exactly once (one topic
 * record in the metadata log), placed and led, and keeps what it acknowledges; the ISR change
 * (a follower killed, fenced and shrunk out, then back and expanded in) completes under the
 * successor controller.
 */
export function controllerKill(
  cluster: Cluster,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  return runRound(cluster, 'controller-kill', options, {
    async fault(context) {
      await duringTopicCreation(context)
      await duringIsrChange(context)
    },
  })
}

async function duringTopicCreation(context: RoundContext): Promise<void> {
  const { faults, gateway } = context
  const created = `${context.topic}-new`
  // Rounds vary when the kill lands relative to the request.
  const delayMs = (context.round % 4) * 20
  const [answer, killed] = await Promise.all([
    gateway
      .createTopic(created, FAULT_TOPIC_SPEC, 30_000)
      .catch((error: unknown) => ({ status: 0, body: (error as Error).message })),
    sleep(delayMs).then(() => faults.killActiveController()),
  ])
  context.log(`create ${created} with ${killed.nodeId} killed: ${answer.status}`)
  await killed.start()
  // Asked again until the cluster knows the topic: created now, or by the first request.
  await createTopic(gateway, created, FAULT_TOPIC_SPEC)
  const metadata = await openMetadataLog(context.cluster)
  try {
    const records = (await metadata.entries()).filter(
      ({ record }) => record.type === 'topic' && record.name === created,
    )
    if (records.length !== 1) {
      context.violation(`${records.length} topic records for ${created} in the metadata log`)
    }
    const state = (await metadata.replay()).image.topic(created)
    const placed = state?.partitions.filter(
      (partition) => partition.replicas.length === FAULT_TOPIC_SPEC.replicationFactor,
    )
    if (placed?.length !== FAULT_TOPIC_SPEC.partitions) {
      context.violation(`${created} is not placed as asked: ${JSON.stringify(state)}`)
    }
  } finally {
    await metadata.close()
  }
  const inSync = await faults.waitAllInSync(created)
  if (!inSync.ok)
    context.violation(`${created} never fully in sync: ${JSON.stringify(inSync.last)}`)
  const workload = startWorkload({
    gateway,
    topic: created,
    partitions: FAULT_TOPIC_SPEC.partitions,
    valuePrefix: `n${context.round}`,
    producersPerPartition: 1,
    consumers: 1,
  })
  let history: Awaited<ReturnType<typeof workload.stop>>
  try {
    if (!(await workload.waitForAcks(context.acks))) {
      context.violation(`no write acknowledged on ${created}`)
    }
  } finally {
    history = await workload.stop()
  }
  const drain = await drainTopic(gateway, created, FAULT_TOPIC_SPEC.partitions)
  context.record(checkHistory({ ...history, drain }))
}

async function duringIsrChange(context: RoundContext): Promise<void> {
  const { faults, topic } = context
  const view = await faults.waitForPartition(
    topic,
    context.target,
    fullyInSync,
    'every replica in sync',
  )
  const follower = view.replicas.find((broker) => broker !== view.leader) as number
  await faults.killBroker(follower)
  // Its fence and the ISR shrink fall to the next controller.
  const first = await faults.killActiveController()
  await faults.waitForPartition(
    topic,
    context.target,
    (each) => !each.isr.includes(follower),
    `broker ${follower} out of the ISR`,
  )
  context.log(`ISR shrink of ${topic}-${context.target} done after ${first.nodeId} was killed`)
  await first.start()
  await faults.restartBroker(follower, { waitUnfenced: false })
  // Its registration and the ISR expansion fall to the next controller.
  const second = await faults.killActiveController()
  await faults.waitForPartition(
    topic,
    context.target,
    (each) => each.isr.includes(follower),
    `broker ${follower} back in the ISR`,
  )
  context.log(`ISR expansion of ${topic}-${context.target} done after ${second.nodeId} was killed`)
}
