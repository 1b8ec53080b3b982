/**
 * The faults the suite injects into a test cluster (test/harness/cluster.ts), each counted: SIGKILL
 * and restart of a broker, SIGSTOP and SIGCONT of one, SIGKILL of the active controller; waits on
 * what a fault should lead to (a new leader, a replica out of or back in the ISR), read from the
 * gateway's partition metadata; and `heal`, which brings every process back.
 */
import type { Cluster, ControllerHandle } from '../../harness/cluster.ts'
import { READY_TIMEOUT_MS, waitUntil } from '../../harness/cluster.ts'
import { fullyInSync, type GatewayClient, type PartitionView } from '../gateway/index.ts'
import { now } from '../history/index.ts'

/** How long a wait on the cluster's reaction to a fault may take at most (a bound, not a goal). */
export const FAULT_BOUND_MS = READY_TIMEOUT_MS

/** One fault injected, for the report. */
export interface InjectedFault {
  readonly kind: 'kill-broker' | 'pause-broker' | 'kill-controller'
  readonly target: string
  /** On the history's clock (see history `now`). */
  readonly at: number
}

/** Injects faults into one cluster and remembers what it did, so `heal` can undo all of it. */
export class FaultInjector {
  readonly #cluster: Cluster
  readonly #gateway: GatewayClient
  readonly #paused = new Set<number>()
  readonly #injected: InjectedFault[] = []

  constructor(cluster: Cluster, gateway: GatewayClient) {
    this.#cluster = cluster
    this.#gateway = gateway
  }

  /** Every fault injected so far, in order. */
  get injected(): readonly InjectedFault[] {
    return this.#injected
  }

  /** A partition's leader, replicas and ISR as the gateway sees them now. */
  partition(topic: string, partition: number): Promise<PartitionView> {
    return this.#gateway.partition(topic, partition)
  }

  /**
   * Waits (up to `timeoutMs`) until the gateway shows `partition` in a state `condition` accepts;
   * answers that state. The error names `what` and the last state seen.
   */
  async waitForPartition(
    topic: string,
    partition: number,
    condition: (view: PartitionView) => boolean,
    what: string,
    timeoutMs = FAULT_BOUND_MS,
  ): Promise<PartitionView> {
    let last: PartitionView | undefined
    try {
      await waitUntil(
        async () => {
          last = await this.partition(topic, partition)
          return condition(last)
        },
        `${topic}-${partition}: ${what}`,
        timeoutMs,
      )
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`)
    }
    return last as PartitionView
  }

  /** Waits until `partition` is led by a broker other than `brokerId`; answers the new state. */
  waitForLeaderOtherThan(topic: string, partition: number, brokerId: number) {
    return this.waitForPartition(
      topic,
      partition,
      (view) => view.leader >= 0 && view.leader !== brokerId,
      `a leader other than broker ${brokerId}`,
    )
  }

  /**
   * Waits until every partition of `topic` has a leader and all its replicas in sync; false (not
   * an error) if that did not happen within `timeoutMs`, so a caller can report it.
   */
  async waitAllInSync(
    topic: string,
    timeoutMs = FAULT_BOUND_MS,
  ): Promise<{ ok: boolean; last: readonly PartitionView[] }> {
    let last: PartitionView[] = []
    try {
      await waitUntil(
        async () => {
          last = await this.#gateway.partitions(topic)
          return last.length > 0 && last.every(fullyInSync)
        },
        `${topic}: every replica in sync`,
        timeoutMs,
      )
      return { ok: true, last }
    } catch {
      return { ok: false, last }
    }
  }

  /** SIGKILLs broker `brokerId` and waits for its exit. */
  async killBroker(brokerId: number): Promise<void> {
    this.#record('kill-broker', `broker ${brokerId}`)
    await this.#cluster.broker(brokerId).kill('SIGKILL')
  }

  /** Starts a killed broker again on its data dir; resolves once it is registered and unfenced. */
  async restartBroker(brokerId: number, options: { waitUnfenced?: boolean } = {}): Promise<void> {
    await this.#cluster.broker(brokerId).start(options)
  }

  /** SIGSTOPs broker `brokerId`: it keeps its sockets and state, and answers nothing. */
  async pauseBroker(brokerId: number): Promise<void> {
    this.#record('pause-broker', `broker ${brokerId}`)
    this.#paused.add(brokerId)
    await this.#cluster.broker(brokerId).kill('SIGSTOP')
  }

  /** SIGCONTs a paused broker. */
  async resumeBroker(brokerId: number): Promise<void> {
    await this.#cluster.broker(brokerId).kill('SIGCONT')
    this.#paused.delete(brokerId)
  }

  /** SIGKILLs the active controller (waiting for one to be active first); answers its handle. */
  async killActiveController(): Promise<ControllerHandle> {
    const active = await this.#cluster.activeController({ timeoutMs: FAULT_BOUND_MS })
    this.#record('kill-controller', active.nodeId)
    await active.kill('SIGKILL')
    return active
  }

  /**
   * Undoes every fault: resumes paused brokers, starts every broker and controller that is not
   * running, then waits for an active controller and every broker unfenced.
   */
  async heal(): Promise<void> {
    for (const brokerId of [...this.#paused]) await this.resumeBroker(brokerId)
    const stoppedBrokers = [...this.#cluster.brokers.values()].filter((broker) => !broker.running)
    const stoppedControllers = this.#cluster.controllers.filter((handle) => !handle.running)
    await Promise.all(stoppedControllers.map((handle) => handle.start()))
    await Promise.all(stoppedBrokers.map((broker) => broker.start({ waitUnfenced: false })))
    await this.#cluster.activeController({ timeoutMs: FAULT_BOUND_MS })
    await Promise.all(
      [...this.#cluster.brokers.values()].map((broker) => broker.waitUnfenced(FAULT_BOUND_MS)),
    )
  }

  #record(kind: InjectedFault['kind'], target: string): void {
    this.#injected.push({ kind, target, at: now() })
  }
}
