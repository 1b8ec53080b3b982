import {
  type BrokerEndpoint,
  type ControllerClient,
  ErrorCode,
  type Logger,
  silentLogger,
  TributaryError,
} from '@tributary/core'

/** Kafka's broker.heartbeat.interval.ms. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000

export interface ControllerSessionOptions {
  readonly controller: ControllerClient
  readonly brokerId: number
  /** Unique to this process start. */
  readonly incarnationId: string
  readonly rack?: string | null
  /** The metadata offset to report: what the broker has applied. */
  readonly metadataOffset: () => number
  /** Between heartbeats, and between registration attempts while the controller cannot be reached. */
  readonly heartbeatIntervalMs?: number
  readonly logger?: Logger
}

/**
 * The broker's side of its session with the active controller: registers (retrying until the
 * controller answers), then heartbeats every interval with the metadata offset it has applied,
 * which is what unfences it. A heartbeat refused with STALE_BROKER_EPOCH (the controller no
 * longer holds this registration) registers again; other failures are logged and retried.
 */
export class ControllerSession {
  readonly #options: ControllerSessionOptions
  readonly #logger: Logger
  readonly #intervalMs: number
  #endpoints: BrokerEndpoint[] = []
  #brokerEpoch = -1
  #fenced = true
  #failures = 0
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = false
  #started = false
  readonly #registered: Promise<number>
  #resolveRegistered: (epoch: number) => void = () => {}

  constructor(options: ControllerSessionOptions) {
    this.#options = options
    this.#logger = (options.logger ?? silentLogger).child({ component: 'controller-session' })
    this.#intervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS
    this.#registered = new Promise((resolve) => {
      this.#resolveRegistered = resolve
    })
  }

  /** Registers with these endpoints and keeps heartbeating until {@link stop}. */
  start(endpoints: readonly BrokerEndpoint[]): void {
    if (this.#started) return
    this.#started = true
    this.#endpoints = [...endpoints]
    this.#tick()
  }

  /** The current registration's epoch; -1 until registered. */
  get brokerEpoch(): number {
    return this.#brokerEpoch
  }

  /** Whether the controller's last answer kept this broker fenced (true until it says otherwise). */
  get fenced(): boolean {
    return this.#fenced
  }

  /** Resolves with the broker epoch of the first successful registration. */
  get registered(): Promise<number> {
    return this.#registered
  }

  /** Stops heartbeating; waits for a call in flight. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  #tick(): void {
    if (this.#stopped) return
    this.#running = this.#beat().finally(() => {
      this.#running = undefined
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#intervalMs)
    })
  }

  async #beat(): Promise<void> {
    const { controller, brokerId } = this.#options
    try {
      if (this.#brokerEpoch < 0) {
        const result = await controller.registerBroker({
          brokerId,
          incarnationId: this.#options.incarnationId,
          endpoints: this.#endpoints,
          rack: this.#options.rack ?? null,
        })
        this.#brokerEpoch = result.brokerEpoch
        this.#fenced = true
        this.#logger.info({ brokerEpoch: result.brokerEpoch }, 'registered with the controller')
        this.#resolveRegistered(result.brokerEpoch)
      } else {
        const result = await controller.brokerHeartbeat({
          brokerId,
          brokerEpoch: this.#brokerEpoch,
          metadataOffset: this.#options.metadataOffset(),
        })
        if (result.fenced !== this.#fenced) {
          this.#logger.info({ fenced: result.fenced }, result.fenced ? 'fenced' : 'unfenced')
        }
        this.#fenced = result.fenced
      }
      if (this.#failures > 0)
        this.#logger.info({ failures: this.#failures }, 'controller reachable again')
      this.#failures = 0
    } catch (error) {
      if (error instanceof TributaryError && error.code === ErrorCode.StaleBrokerEpoch) {
        this.#logger.warn(
          { brokerEpoch: this.#brokerEpoch },
          'registration is stale; registering again',
        )
        this.#brokerEpoch = -1
        this.#fenced = true
        return
      }
      this.#failures++
      // Say it at once, then now and again rather than every second.
      const level = this.#failures === 1 || this.#failures % 30 === 0 ? 'warn' : 'debug'
      this.#logger[level](
        { err: error, failures: this.#failures, registered: this.#brokerEpoch >= 0 },
        this.#brokerEpoch < 0 ? 'could not register with the controller' : 'heartbeat failed',
      )
    }
  }
}
