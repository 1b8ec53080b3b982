/**
 * One round of a fault scenario, the same for every scenario: a fresh replicated topic, the
 * workload running, the scenario's faults, healing, progress after healing, the final drain and
 * the checker; then the scenario's own checks (replica contents …). What the cluster fails to do
 * (elect a leader, refuse a write, rejoin the ISR) becomes a violation, so the round still heals,
 * drains and checks; only a broken harness throws.
 */
import { randomBytes } from 'node:crypto'
import type { Cluster } from '../../harness/cluster.ts'
import { waitUntil } from '../../harness/cluster.ts'
import { type AnomalyCounts, addCounts, type CheckResult, checkHistory } from '../checker/index.ts'
import { GatewayClient, type PartitionView, type TopicSpec } from '../gateway/index.ts'
import { type DrainedPartition, now } from '../history/index.ts'
import { FAULT_BOUND_MS, FaultInjector } from '../injector/index.ts'
import { drainTopic, startWorkload, type Workload } from '../workload/index.ts'

/** The topics of the suite: replication factor 3 and min ISR 2, as the issue asks. */
export const FAULT_TOPIC_SPEC: TopicSpec = {
  partitions: 3,
  replicationFactor: 3,
  configs: { 'min.insync.replicas': '2' },
}

export interface ScenarioOptions {
  /** The round's number: names the topic, and varies what a scenario targets (default 0). */
  readonly round?: number
  /** Partitions of the round's topic (default 3). */
  readonly partitions?: number
  /** The round's topic otherwise (default {@link FAULT_TOPIC_SPEC}; `partitions` wins). */
  readonly spec?: TopicSpec
  /** Acknowledged writes before the first fault, and after healing (default 30). */
  readonly acks?: number
  /** Progress lines (default none). */
  readonly log?: (line: string) => void
}

/** What one round of a scenario found. */
export interface ScenarioResult {
  readonly scenario: string
  /** Produce operations (one per value). */
  readonly operations: number
  readonly faults: number
  /** The checker's counts, over every topic the round checked. */
  readonly anomalies: AnomalyCounts
  readonly checks: readonly CheckResult[]
  /** What the cluster failed to do that the scenario requires (empty: nothing). */
  readonly violations: readonly string[]
}

/** A fault scenario: one round on a running cluster, which it leaves healed. */
export type Scenario = (cluster: Cluster, options?: ScenarioOptions) => Promise<ScenarioResult>

/** What a scenario's steps get. */
export interface RoundContext {
  readonly cluster: Cluster
  readonly gateway: GatewayClient
  readonly faults: FaultInjector
  readonly topic: string
  readonly partitions: number
  readonly round: number
  /**
   * The partition the round's faults aim at (its leader, its followers): `round` mod
   * `partitions`, so successive rounds hit other brokers, placement being deterministic.
   */
  readonly target: number
  readonly acks: number
  readonly workload: Workload
  /** The topic's partitions when the round began (leader, replicas, ISR). */
  readonly initial: readonly PartitionView[]
  readonly log: (line: string) => void
  /** Adds a violation (see {@link ScenarioResult.violations}). */
  violation(text: string): void
  /** Adds the check of another topic the scenario ran a workload on. */
  record(check: CheckResult): void
}

export interface ScenarioSteps {
  /** Injects the faults (and waits on their effects); `heal` runs after it whatever happens. */
  fault(context: RoundContext): Promise<void>
  /** Runs after the drain, with the cluster healed and the workload stopped. */
  afterDrain?(context: RoundContext, drain: readonly DrainedPartition[]): Promise<void>
}

/**
 * Waits until some writes sent at `since` or later are acknowledged (a third of the round's
 * `acks`, at least 5); a violation naming `what` if none are within the bound.
 */
export async function expectProgress(
  context: RoundContext,
  since: number,
  what: string,
): Promise<void> {
  const enough = Math.max(5, Math.ceil(context.acks / 3))
  const progressed = await context.workload.waitForAcks(enough, {
    filter: (operation) => operation.startedAt >= since,
  })
  if (!progressed) context.violation(`no write acknowledged ${what}`)
}

/** Creates `topic` through the gateway, asking again while the cluster cannot (yet) answer. */
export async function createTopic(gateway: GatewayClient, topic: string, spec: TopicSpec) {
  let last: unknown
  await waitUntil(
    async () => {
      const reply = await gateway.createTopic(topic, spec)
      last = reply
      return reply.status === 201 || isAlreadyExists(reply)
    },
    `create topic ${topic}`,
    FAULT_BOUND_MS,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; last answer ${JSON.stringify(last)}`)
  })
}

/** Whether a create-topic answer says the topic exists already (Kafka's TOPIC_ALREADY_EXISTS). */
export function isAlreadyExists(reply: { status: number; body: unknown }): boolean {
  const message = (reply.body as { message?: unknown } | null)?.message
  return reply.status === 400 && typeof message === 'string' && /already exists/i.test(message)
}

/** Runs one round of scenario `name` with its `steps` (see the file comment). */
export async function runRound(
  cluster: Cluster,
  name: string,
  options: ScenarioOptions,
  steps: ScenarioSteps,
): Promise<ScenarioResult> {
  const round = options.round ?? 0
  const spec = options.spec ?? FAULT_TOPIC_SPEC
  const partitions = options.partitions ?? spec.partitions
  const acks = options.acks ?? 30
  const log = options.log ?? (() => undefined)
  const gateway = new GatewayClient(cluster.gateways[0] as string)
  const faults = new FaultInjector(cluster, gateway)
  const topic = `${name}-r${round}-${randomBytes(3).toString('hex')}`
  const violations: string[] = []
  const extraChecks: CheckResult[] = []

  await createTopic(gateway, topic, { ...spec, partitions })
  const ready = await faults.waitAllInSync(topic)
  if (!ready.ok)
    throw new Error(`${topic} never had every replica in sync: ${JSON.stringify(ready.last)}`)
  log(`${name} round ${round}: ${topic} ${JSON.stringify(ready.last.map((view) => view.leader))}`)

  const workload = startWorkload({ gateway, topic, partitions, valuePrefix: `r${round}` })
  const context: RoundContext = {
    cluster,
    gateway,
    faults,
    topic,
    partitions,
    round,
    target: round % partitions,
    acks,
    workload,
    initial: ready.last,
    log,
    violation: (text) => {
      log(`${name} round ${round}: ${text}`)
      violations.push(text)
    },
    record: (check) => extraChecks.push(check),
  }
  let history: Awaited<ReturnType<Workload['stop']>> | undefined
  try {
    if (!(await workload.waitForAcks(acks))) context.violation('no progress before the faults')
    try {
      await steps.fault(context)
    } catch (error) {
      context.violation(`fault step: ${(error as Error).message}`)
    } finally {
      await faults.heal()
    }
    const healedAt = now()
    const inSync = await faults.waitAllInSync(topic)
    if (!inSync.ok) {
      context.violation(`not every replica back in sync: ${JSON.stringify(inSync.last)}`)
    }
    const progressed = await workload.waitForAcks(acks, {
      filter: (operation) => operation.startedAt >= healedAt,
    })
    if (!progressed) context.violation('no progress after healing')
  } finally {
    history = await workload.stop()
  }
  const drain = await drainTopic(gateway, topic, partitions)
  const check = checkHistory({ ...history, drain })
  await steps.afterDrain?.(context, drain)
  const checks = [check, ...extraChecks]
  log(`${name} round ${round}: ${JSON.stringify(check.counts)} ${JSON.stringify(check.stats)}`)
  return {
    scenario: name,
    operations: checks.reduce((sum, each) => sum + each.stats.operations, 0),
    faults: faults.injected.length,
    anomalies: checks.map((each) => each.counts).reduce(addCounts),
    checks,
    violations,
  }
}
