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

/**
 * Runs `check` every `intervalMs`, skipping a tick while the last check is still running, and
 * hands its failures to `onError`. Answers a function that stops it. The timer does not keep
 * the process alive.
 */
export function startSessionChecks(
  intervalMs: number,
  check: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  let checking = false
  const timer = setInterval(() => {
    if (checking) return
    checking = true
    check()
      .catch(onError)
      .finally(() => {
        checking = false
      })
  }, intervalMs)
  timer.unref?.()
  return () => clearInterval(timer)
}
