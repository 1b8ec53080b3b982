/** How long a broker may go without a heartbeat before it is fenced (Kafka's default). */
export const DEFAULT_SESSION_TIMEOUT_MS = 9_000

/**
 * Heartbeat deadlines of registered brokers, on an injected clock. Kept only by the active
 * controller and only in memory: a controller that takes over gives every broker a full session
 * before fencing it, as KRaft's BrokerHeartbeatManager does.
 */
export class BrokerSessions {
  readonly #timeoutMs: number
  readonly #now: () => number
  readonly #deadlines = new Map<number, { brokerEpoch: number; deadlineMs: number }>()

  constructor(timeoutMs: number, now: () => number) {
    this.#timeoutMs = timeoutMs
    this.#now = now
  }

  /** Starts or extends the session of a broker's registration. */
  touch(brokerId: number, brokerEpoch: number): void {
    this.#deadlines.set(brokerId, { brokerEpoch, deadlineMs: this.#now() + this.#timeoutMs })
  }

  /** Whether the registration's session has run out (or was never started). */
  expired(brokerId: number, brokerEpoch: number): boolean {
    const session = this.#deadlines.get(brokerId)
    if (session === undefined || session.brokerEpoch !== brokerEpoch) return true
    return this.#now() >= session.deadlineMs
  }

  clear(): void {
    this.#deadlines.clear()
  }
}
