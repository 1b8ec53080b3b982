/**
 * Scenario 7 of issue 6's fault suite, consumers: on the suite's cluster (3 controllers, 3
 * brokers, a gateway; replication factor 3 and min ISR 2), a topic of several partitions is
 * produced to continuously while a group of REST v2 consumers (auto commit off, commit after
 * processing; see `consumers-member.ts`) reads it. Each round injects three faults in turn:
 *
 * 1. one member is killed in the middle of a batch: it processed part of it, commits nothing
 *    and never calls again, so its instance is left to expire (a new member replaces it);
 * 2. one member stalls between processing and committing for twice its session timeout, then
 *    goes on: its commit must be refused (its partitions moved), and it rejoins;
 * 3. the broker that coordinates the group (the leader of the group's `__consumer_offsets`
 *    partition) is SIGKILLed, and restarted once the coordinator has moved. Consumer instances
 *    are records in `__consumer_offsets` that the broker taking the partition over replays, so
 *    every member keeps its instance (no 40403) and rejoins the group at its next poll, from the
 *    committed offsets (what was delivered after the last commit comes again). What the members
 *    owned is dropped without a word to them: the kill, and every change of coordinator a
 *    watcher sees (such as the partition going back to the restarted broker), are recorded as
 *    coordinator moves, which the checker does not take ownership as continuous across.
 *
 * Then the faults heal, production stops, the members drain the topic, and
 * `consumers-checker.ts` checks the history: every acknowledged record processed at least once,
 * committed offsets never going backwards, no partition owned by two members at once. As in the
 * other scenarios (scenarios/round.ts), what the cluster fails to do that the scenario needs (the
 * coordinator moving, the stalled commit refused, an instance kept, the drain) is a violation,
 * and the round still heals, drains and checks; only a broken harness throws.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { OFFSETS_TOPIC } from '@tributary/core'
import { type Cluster, startCluster, waitUntil } from '../harness/cluster.ts'
import { FAULT_CONSUMER_INSTANCE_TIMEOUT_MS, faultClusterOptions } from './cluster-options.ts'
import {
  type ConsumersAnomaly,
  type ConsumersAnomalyKind,
  type ConsumersCheck,
  checkConsumers,
} from './consumers-checker.ts'
import { type ClusterApi, coordinatorOf } from './consumers-cluster.ts'
import { lostInstanceViolations, stalledCommitViolations } from './consumers-expectations.ts'
import { type ConsumersHistory, HistoryRecorder, type ProcessEvent } from './consumers-history.ts'
import { GroupMember } from './consumers-member.ts'
import { CoordinatorWatcher, OffsetsObserver, Producer } from './consumers-workload.ts'
import {
  createTopic,
  FAULT_BOUND_MS,
  FAULT_TOPIC_SPEC,
  FaultInjector,
  fullyInSync,
  GatewayClient,
} from './index.ts'

/** The scenario's name in the long form's table. */
export const CONSUMERS_SCENARIO = 'consumers'
/** The members' session.timeout.ms: short, so the faults resolve quickly. */
export const SESSION_TIMEOUT_MS = 3_000
/**
 * The brokers' consumer.instance.timeout.ms (the suite's cluster sets it): abandoned instances
 * (the killed member's) are deleted within the round. An instance gone after this long without a
 * request is no anomaly.
 */
export const INSTANCE_TIMEOUT_MS = FAULT_CONSUMER_INSTANCE_TIMEOUT_MS

/** How long the stalled member makes no request. */
const STALL_MS = 2 * SESSION_TIMEOUT_MS
/** How long the group runs with the coordinator's broker down, once the coordinator moved. */
const BROKER_DOWN_MS = 2_000
/** How long production goes on once every fault has healed. */
const HEALED_MS = 3_000
/** A bound on the drain once production stopped (a bound, not a goal). */
const DRAIN_BOUND_MS = 90_000
/** How often the watcher reads where the coordinator is. */
const WATCH_INTERVAL_MS = 250

/** The suite's cluster, which carries what this scenario needs of its brokers and gateway. */
export function consumersClusterOptions(): ReturnType<typeof faultClusterOptions> {
  return faultClusterOptions()
}

export interface ConsumersRoundOptions {
  /** Names the round's topic and group (default 0). */
  readonly round?: number
  /** Partitions of the round's topic (default 6). */
  readonly partitions?: number
  /** Members at the start (default 3). */
  readonly members?: number
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void
}

/** The anomalies of a round or a run, by kind. */
export type ConsumersAnomalyCounts = Readonly<Record<ConsumersAnomalyKind, number>>

/** What one round found. */
export interface ConsumersRoundResult {
  readonly scenario: string
  /** Requests made and records processed. */
  readonly operations: number
  readonly faults: number
  readonly anomalies: ConsumersAnomalyCounts
  readonly check: ConsumersCheck
  /** What the cluster failed to do that the scenario needs (empty: nothing). */
  readonly violations: readonly string[]
  /** The broker killed as the coordinator, and the coordinator once it was gone (null: none). */
  readonly coordinatorKilled: number | null
  readonly coordinatorAfter: number | null
  /** Consumer instances lost: 40403s not excused by an idle instance timeout (each a violation). */
  readonly instancesLost: number
  /** What the round recorded, for a closer look at what the checker found. */
  readonly history: ConsumersHistory
}

/** The long form's row for this scenario: its rounds summed, and each round. */
export interface ConsumersScenarioResult {
  readonly scenario: string
  readonly operations: number
  readonly faults: number
  readonly anomalies: ConsumersAnomalyCounts
  readonly violations: readonly string[]
  readonly rounds: readonly ConsumersRoundResult[]
}

/**
 * Runs `rounds` rounds of scenario 7 on a cluster of its own ({@link consumersClusterOptions}),
 * one after the other, and closes the cluster.
 */
export async function runConsumersScenario(
  options: { readonly rounds?: number; readonly log?: (line: string) => void } = {},
): Promise<ConsumersScenarioResult> {
  const cluster = await startCluster(consumersClusterOptions())
  const rounds: ConsumersRoundResult[] = []
  try {
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      rounds.push(await runConsumersRound(cluster, { round, ...optionalLog(options.log) }))
    }
  } finally {
    await cluster.close()
  }
  return {
    scenario: CONSUMERS_SCENARIO,
    operations: rounds.reduce((sum, round) => sum + round.operations, 0),
    faults: rounds.reduce((sum, round) => sum + round.faults, 0),
    anomalies: countAnomalies(rounds.flatMap((round) => round.check.anomalies)),
    violations: rounds.flatMap((round) => round.violations),
    rounds,
  }
}

/**
 * One round of scenario 7 on a running cluster (see the file comment), which it leaves healed.
 * Its brokers need the suite's {@link faultClusterOptions} flags.
 */
export async function runConsumersRound(
  cluster: Cluster,
  options: ConsumersRoundOptions = {},
): Promise<ConsumersRoundResult> {
  const round = options.round ?? 0
  const log = (line: string) => options.log?.(`${CONSUMERS_SCENARIO} round ${round}: ${line}`)
  const api: ClusterApi = { gateway: cluster.gateways[0] as string, clusterId: cluster.clusterId }
  const gateway = new GatewayClient(api.gateway)
  const injector = new FaultInjector(cluster, gateway)
  const stamp = Date.now().toString(36)
  const topic = `consumers-r${round}-${stamp}`
  const group = `consumers-r${round}-${stamp}`
  const partitions = options.partitions ?? 6
  await createTopic(gateway, topic, { ...FAULT_TOPIC_SPEC, partitions })
  const ready = await injector.waitAllInSync(topic)
  if (!ready.ok) throw new Error(`${topic} never had every replica in sync`)

  const recorder = new HistoryRecorder(SESSION_TIMEOUT_MS)
  const producer = new Producer({
    gateway: api.gateway,
    topic,
    partitions,
    prefix: `r${round}`,
    recordsPerRequest: 2,
    intervalMs: 100,
    recorder,
  })
  const observer = new OffsetsObserver({ api, group, topic, partitions, intervalMs: 250, recorder })
  const watcher = new CoordinatorWatcher({ api, group, intervalMs: WATCH_INTERVAL_MS, recorder })
  const newMember = (n: number) =>
    new GroupMember({
      gateway: api.gateway,
      group,
      topic,
      name: `r${round}-m${n}`,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      recorder,
    })
  const members = Array.from({ length: options.members ?? 3 }, (_, i) => newMember(i + 1))
  const violations: string[] = []
  const violation = (text: string) => {
    log(text)
    violations.push(text)
  }
  let memberFaults = 0
  const coordinator = { killed: null as number | null, after: null as number | null }
  // After a fault, the next waits until every partition is processed again (the producer
  // writes to every one): whatever the fault took from the group has moved or come back.
  let cursor = 0
  const progress = (what: string) =>
    waitUntil(() => processedEverywhereSince(recorder, cursor, partitions), what, FAULT_BOUND_MS)
  const stall = { member: undefined as string | undefined, fromMs: 0 }

  producer.start()
  observer.start()
  watcher.start()
  for (const member of members) member.start()
  try {
    await waitUntil(
      () => members.every((member) => member.processed > 0),
      'every member processing',
      FAULT_BOUND_MS,
    )
    const [killed, stalled] = members as [GroupMember, GroupMember]

    log('killing a member mid-batch')
    await within(killed.kill(), FAULT_BOUND_MS, 'the member killed mid-batch')
    memberFaults++
    cursor = recorder.processed.length
    const replacement = newMember(members.length + 1)
    members.push(replacement)
    replacement.start()
    await progress('every partition processed after the kill')

    log('stalling a member past its session timeout')
    stall.member = stalled.instance
    stall.fromMs = recorder.now()
    await within(stalled.stall(STALL_MS), FAULT_BOUND_MS + STALL_MS, 'the stalled member')
    memberFaults++
    cursor = recorder.processed.length
    await progress('every partition processed after the stall')

    const before = await coordinatorOf(api, group)
    if (before.leader === null) throw new Error(`${group} has no coordinator`)
    if (before.replicationFactor < 2) {
      violation(`${OFFSETS_TOPIC} has replication factor ${before.replicationFactor}`)
    }
    const killedBroker = before.leader
    coordinator.killed = killedBroker
    log(`killing broker ${killedBroker}, leader of ${OFFSETS_TOPIC}-${before.partition}`)
    const killedMs = recorder.now()
    await injector.killBroker(killedBroker)
    recorder.coordinatorMoves.push({
      cause: 'kill',
      from: killedBroker,
      to: null,
      invokeMs: killedMs,
      completeMs: recorder.now(),
    })
    await waitUntil(
      async () => {
        coordinator.after = (await coordinatorOf(api, group)).leader
        return coordinator.after !== null && coordinator.after !== killedBroker
      },
      'the coordinator moving',
      FAULT_BOUND_MS,
    ).catch(() => violation(`the coordinator did not move from broker ${killedBroker}`))
    await sleep(BROKER_DOWN_MS)
    await injector.restartBroker(killedBroker)
    log(`broker ${killedBroker} restarted`)
  } catch (error) {
    violation(`fault step: ${(error as Error).message}`)
  } finally {
    await injector.heal()
  }

  try {
    cursor = recorder.processed.length
    await progress('every partition processed after healing')
    const inSync = await injector.waitAllInSync(topic)
    if (!inSync.ok) violation(`not every replica of ${topic} back in sync`)
    const home = await coordinatorOf(api, group)
    await injector
      .waitForPartition(OFFSETS_TOPIC, home.partition, fullyInSync, 'every replica in sync')
      .catch(() =>
        violation(`not every replica of ${OFFSETS_TOPIC}-${home.partition} back in sync`),
      )
    await sleep(HEALED_MS)
    await producer.stop()
    log('draining')
    await waitUntil(() => drained(recorder, observer), 'the group draining', DRAIN_BOUND_MS)
  } catch (error) {
    violation(`after healing: ${(error as Error).message}`)
  } finally {
    await producer.stop()
    await Promise.all(members.map((member) => member.stop()))
    await observer.stop()
    await watcher.stop()
  }

  const history = recorder.history()
  for (const text of stalledCommitViolations(history, {
    member: stall.member,
    untilMs: stall.fromMs + STALL_MS,
  })) {
    violation(text)
  }
  const instances = lostInstanceViolations(history, observer.lost, INSTANCE_TIMEOUT_MS)
  for (const text of instances.violations) violation(text)
  const check = checkConsumers(history)
  const { acknowledged, processed, offsetObservations, tenures } = check
  const moves = history.coordinatorMoves.map((move) => `${move.cause} ${move.from}→${move.to}`)
  log(
    `${JSON.stringify(countAnomalies(check.anomalies))} ${JSON.stringify({ acknowledged, processed, offsetObservations, tenures, moves })}`,
  )
  return {
    scenario: CONSUMERS_SCENARIO,
    operations: recorder.operations,
    faults: memberFaults + injector.injected.length,
    anomalies: countAnomalies(check.anomalies),
    check,
    violations,
    coordinatorKilled: coordinator.killed,
    coordinatorAfter: coordinator.after,
    instancesLost: instances.lost,
    history,
  }
}

const NO_ANOMALIES: ConsumersAnomalyCounts = {
  lost: 0,
  'wrong-value': 0,
  'commit-skipped': 0,
  'committed-backwards': 0,
  'two-owners': 0,
}

function countAnomalies(anomalies: readonly ConsumersAnomaly[]): ConsumersAnomalyCounts {
  const counts: Record<ConsumersAnomalyKind, number> = { ...NO_ANOMALIES }
  for (const anomaly of anomalies) counts[anomaly.kind]++
  return counts
}

function optionalLog(log: ((line: string) => void) | undefined) {
  return log === undefined ? {} : { log }
}

/** Whether every partition has had a record processed since the `from`th processing. */
function processedEverywhereSince(
  recorder: HistoryRecorder,
  from: number,
  partitions: number,
): boolean {
  const seen = new Set<number>()
  for (let i = from; i < recorder.processed.length; i++) {
    seen.add((recorder.processed[i] as ProcessEvent).partition)
  }
  return seen.size === partitions
}

/**
 * Whether every acknowledged record has been processed and the group has committed up to the
 * last acknowledged record of every partition.
 */
function drained(recorder: HistoryRecorder, observer: OffsetsObserver): boolean {
  const processed = new Set(recorder.processed.map((event) => `${event.partition}:${event.offset}`))
  const needed = new Map<number, number>()
  for (const event of recorder.produced) {
    if (event.outcome !== 'ok' || event.offset === null) continue
    if (!processed.has(`${event.partition}:${event.offset}`)) return false
    needed.set(event.partition, Math.max(needed.get(event.partition) ?? 0, event.offset + 1))
  }
  const lags = observer.lastLags ?? []
  return [...needed].every(([partition, offset]) =>
    lags.some((lag) => lag.partition === partition && (lag.committed ?? -1) >= offset),
  )
}

/** `promise`, or a failure naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: not within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
