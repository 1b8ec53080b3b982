import {
  type DataPlaneClient,
  type GroupDescription,
  type GroupOp,
  type GroupRequestOf,
  type GroupResult,
  groupResultOf,
  type InstanceConfig,
  OFFSETS_TOPIC,
  type TopicPartition,
} from '@tributary/core'
import { expect } from 'vitest'
import { hostReplicas, InProcessConnector, isrChanges, TestMetadata, tempDir } from './helpers.ts'

/** Partitions of `__consumer_offsets` in the group tests. */
export const OFFSETS_PARTITIONS = 3

/** The coordinator's clock in tests, moved by hand. */
export class TestClock {
  now = 1_700_000_000_000

  advance(ms: number): void {
    this.now += ms
  }
}

/** Session bounds wide enough for the tests' short sessions. */
export const TEST_GROUP_SETTINGS = {
  groupMinSessionTimeoutMs: 1_000,
  groupMaxSessionTimeoutMs: 60_000,
  consumerInstanceTimeoutMs: 120_000,
} as const

/**
 * Broker 1 leading `__consumer_offsets` (3 partitions) and topic `t` (4 partitions), with its
 * group coordinator on a hand-moved clock. Pass `dir` and `metadata` to reopen a broker's logs.
 */
export async function groupHost(options: { dir?: string; metadata?: TestMetadata } = {}) {
  const clock = new TestClock()
  const metadata = options.metadata ?? new TestMetadata()
  const host = hostReplicas({
    ...(options.dir === undefined ? {} : { dir: options.dir }),
    metadata,
    groupNow: () => clock.now,
    groupSettings: TEST_GROUP_SETTINGS,
  })
  if (options.metadata === undefined) {
    metadata.registerBroker(1)
    metadata.registerBroker(2)
    metadata.createTopic(OFFSETS_TOPIC, { partitions: OFFSETS_PARTITIONS })
    metadata.createTopic('t', { partitions: 4 })
  }
  await host.replicas.sync()
  return { ...host, clock, api: groupApi(host.handler) }
}

/**
 * Brokers 1 and 2 hosted in this process, each with its own logs and group coordinator (on one
 * hand-moved clock), `__consumer_offsets` (3 partitions) replicated on both with broker 1
 * leading and broker 2 following it through broker 1's handler, and topic `t` (4 partitions)
 * on broker 1. `failover()` is what the controller does when broker 1 dies: broker 1 stops, and
 * broker 2 leads every offsets partition with an ISR of itself and a bumped leader epoch.
 */
export async function twoGroupHosts() {
  const clock = new TestClock()
  const metadata = new TestMetadata()
  metadata.registerBroker(1)
  metadata.registerBroker(2)
  const offsetsTopicId = metadata.createTopic(OFFSETS_TOPIC, {
    partitions: OFFSETS_PARTITIONS,
    replicas: [1, 2],
  })
  metadata.createTopic('t', { partitions: 4 })
  const connector = new InProcessConnector()
  const { hosts } = connector
  const common = {
    metadata,
    connector,
    controller: isrChanges(metadata, () => [...hosts.values()]),
    groupNow: () => clock.now,
    groupSettings: TEST_GROUP_SETTINGS,
  }
  const first = hostReplicas({ ...common, brokerId: 1 })
  hosts.set(1, first)
  const second = hostReplicas({ ...common, brokerId: 2, dir: tempDir() })
  hosts.set(2, second)
  await Promise.all([first.replicas.sync(), second.replicas.sync()])
  return {
    metadata,
    clock,
    first: { ...first, api: groupApi(first.handler) },
    second: { ...second, api: groupApi(second.handler) },
    async failover(): Promise<void> {
      hosts.delete(1)
      await first.close()
      for (let partition = 0; partition < OFFSETS_PARTITIONS; partition++) {
        metadata.apply({
          type: 'partition-change',
          topicId: offsetsTopicId,
          partition,
          leader: 2,
          isr: [2],
        })
      }
      await second.replicas.sync()
    },
  }
}

/** The Group API of a data-plane client, results unwrapped (errors thrown as TributaryErrors). */
export function groupApi(client: DataPlaneClient) {
  const call = async <Op extends GroupOp>(request: GroupRequestOf<Op>): Promise<GroupResult<Op>> =>
    groupResultOf(await client.group(request))
  return {
    call,
    /** The error a request is refused with; fails the test if it succeeds. */
    async refused<Op extends GroupOp>(request: GroupRequestOf<Op>) {
      const response = await client.group(request)
      if (response.ok) throw new Error(`expected ${request.op} to be refused`)
      return response.error
    },
    consumer(group: string, instance: string) {
      return new TestConsumer(call, group, instance)
    },
    async describe(group: string): Promise<GroupDescription> {
      return call({ op: 'describeGroup', group })
    },
  }
}

export type GroupApi = ReturnType<typeof groupApi>

/** An instance's config with the tests' defaults: manual commits, no ack timeout, sticky. */
export function instanceConfig(overrides: Partial<InstanceConfig> = {}): InstanceConfig {
  return {
    format: 'binary',
    autoOffsetReset: 'earliest',
    autoCommit: false,
    fetchMinBytes: -1,
    requestTimeoutMs: null,
    sessionTimeoutMs: 10_000,
    ackTimeoutMs: null,
    assignor: 'sticky',
    ...overrides,
  }
}

type Call = <Op extends GroupOp>(request: GroupRequestOf<Op>) => Promise<GroupResult<Op>>

/** One consumer instance's requests, as a gateway would send them. */
export class TestConsumer {
  readonly #call: Call
  readonly group: string
  readonly instance: string

  constructor(call: Call, group: string, instance: string) {
    this.#call = call
    this.group = group
    this.instance = instance
  }

  async create(overrides: Partial<InstanceConfig> = {}): Promise<this> {
    await this.#call({
      op: 'createInstance',
      group: this.group,
      instance: this.instance,
      config: instanceConfig(overrides),
    })
    return this
  }

  subscribe(topics: string[] | null, pattern: string | null = null) {
    return this.#call({ op: 'subscribe', ...this.#ref(), topics, pattern })
  }

  assign(partitions: TopicPartition[]) {
    return this.#call({ op: 'assign', ...this.#ref(), partitions })
  }

  poll() {
    return this.#call({ op: 'poll', ...this.#ref() })
  }

  /** The partitions a poll answers, as `t-p` names. */
  async pollNames(): Promise<string[]> {
    return (await this.poll()).partitions.map((p) => `${p.topic}-${p.partition}`)
  }

  delivered(
    memberEpoch: number,
    advances: {
      topic?: string
      partition: number
      from: number | null
      start?: number
      to: number
    }[],
    pollId?: string,
  ) {
    return this.#call({
      op: 'delivered',
      ...this.#ref(),
      memberEpoch,
      ...(pollId === undefined ? {} : { pollId }),
      advances: advances.map(({ topic = 't', partition, from, start, to }) => ({
        topic,
        partition,
        from,
        start: start ?? from ?? 0,
        to,
      })),
    })
  }

  commit(offsets: { topic?: string; partition: number; offset: number }[] | null) {
    return this.#call({
      op: 'commit',
      ...this.#ref(),
      offsets:
        offsets?.map(({ topic = 't', partition, offset }) => ({
          topic,
          partition,
          offset,
          metadata: '',
        })) ?? null,
    })
  }

  seek(positions: { topic?: string; partition: number; offset: number }[]) {
    return this.#call({
      op: 'seek',
      ...this.#ref(),
      positions: positions.map(({ topic = 't', partition, offset }) => ({
        topic,
        partition,
        offset,
      })),
    })
  }

  /** The group's committed offsets as `t-p` → offset. */
  async committed(): Promise<Record<string, number>> {
    const { offsets } = await this.#call({
      op: 'committed',
      group: this.group,
      instance: null,
      partitions: null,
    })
    return Object.fromEntries(offsets.map((o) => [`${o.topic}-${o.partition}`, o.offset]))
  }

  #ref() {
    return { group: this.group, instance: this.instance }
  }
}

/**
 * Each member's owned partitions (`t-p`) by instance, asserting that no partition has two
 * owners: the invariant every step of a rebalance must keep.
 */
export async function ownership(api: GroupApi, group: string): Promise<Record<string, string[]>> {
  const description = await api.describe(group)
  const owned: Record<string, string[]> = {}
  const seen = new Map<string, string>()
  for (const member of description.members) {
    if (member.kind !== 'subscribed') continue
    owned[member.instance] = member.assignments.map((tp) => `${tp.topic}-${tp.partition}`)
    for (const name of owned[member.instance] ?? []) {
      expect(seen.get(name), `${name} owned by two members`).toBeUndefined()
      seen.set(name, member.instance)
    }
  }
  return owned
}
