/**
 * Handles on the service processes of a test cluster (see `cluster.ts`): signal one, stop it,
 * start it again with the same flags and data dir, read its /health. Every process started
 * through {@link track} is SIGKILLed if the test process exits.
 */
import type { BrokerHealth } from '@tributary/broker'
import type { ServiceProcess } from './services.ts'

export type { BrokerHealth }

/** How long `startCluster` and the `start`/`wait` helpers wait at most (a bound, not a goal). */
export const READY_TIMEOUT_MS = 45_000

/** A controller's GET /health. */
export interface ControllerHealth {
  readonly status: string
  readonly active: boolean
  readonly controllerEpoch: number
  readonly metadataOffset: number
}

/** One service process that can be signalled, stopped and started again with the same flags. */
export interface ServiceHandle {
  /** The current (or last) process. */
  readonly process: ServiceProcess
  /** Whether that process has not exited (a SIGSTOPped one is still running). */
  readonly running: boolean
  /** Sends `signal` (default SIGKILL); waits for the exit unless it is SIGSTOP or SIGCONT. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** SIGTERM (a graceful stop), then waits for the exit. */
  stop(): Promise<void>
}

/** A controller process of a test cluster. */
export interface ControllerHandle extends ServiceHandle {
  readonly nodeId: string
  /** Its HTTP base URL (/health, /metrics, the HTTP API); a new port after each start. */
  readonly url: string
  /** Its /health; rejects when it does not answer within a second (killed, stopped). */
  health(): Promise<ControllerHealth>
  /** Whether its /health says it is the active controller (false when it does not answer). */
  active(): Promise<boolean>
  /** Starts it again (same node id and data dir) once it has exited; resolves once it listens. */
  start(): Promise<void>
}

/** A broker process of a test cluster; its data dir outlives restarts. */
export interface BrokerHandle extends ServiceHandle {
  readonly brokerId: number
  /** Its `--data-dir`, kept across restarts. */
  readonly dataDir: string
  /** Its /health and /metrics port (a new one after each start). */
  readonly httpPort: number
  /** Its data-plane port (a new one after each start). */
  readonly port: number
  /** Its /health; rejects when it does not answer within a second. */
  health(): Promise<BrokerHealth>
  /** Resolves once its /health says registered and unfenced. */
  waitUnfenced(timeoutMs?: number): Promise<void>
  /**
   * Starts it again with the same flags and data dir once it has exited; resolves once it is
   * listening and (unless `waitUnfenced: false`) unfenced.
   */
  start(options?: { readonly waitUnfenced?: boolean }): Promise<void>
}

/** Every service process started here and not yet exited: killed if the test process exits. */
const live = new Set<ServiceProcess>()
process.once('exit', () => {
  for (const started of live) started.child.kill('SIGKILL')
})

/** Registers `started` to be SIGKILLed if the test process exits first; answers it. */
export function track(started: ServiceProcess): ServiceProcess {
  live.add(started)
  void started.exited.then(() => live.delete(started))
  return started
}

/** Whether the process has not exited (a SIGSTOPped one still runs). */
export const isRunning = (started: ServiceProcess) =>
  started.child.exitCode === null && started.child.signalCode === null

/** Sends `signal`; waits for the exit unless the signal only pauses or resumes. */
export async function signal(started: ServiceProcess, sent: NodeJS.Signals): Promise<void> {
  if (!isRunning(started)) return
  started.child.kill(sent)
  if (sent !== 'SIGSTOP' && sent !== 'SIGCONT') await started.exited
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
  return (await response.json()) as T
}

/** Polls `condition` until it holds (errors count as not yet), failing after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await condition()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((wake) => setTimeout(wake, 100))
  }
}

/** Starts a service's main.ts with these flags (the cluster's launcher, which tracks it). */
export type Launch = (service: Service, args: readonly string[]) => ServiceProcess
/** The services a cluster runs. */
export type Service = 'controller' | 'broker' | 'gateway'

/** A service process that can be signalled and started again with the same flags. */
class Restartable {
  #current: ServiceProcess
  #listening: Record<string, unknown> = {}

  constructor(
    readonly launch: Launch,
    readonly service: Service,
    readonly args: readonly string[],
  ) {
    this.#current = launch(service, args)
  }

  get process(): ServiceProcess {
    return this.#current
  }

  get running(): boolean {
    return isRunning(this.#current)
  }

  /** The current process's '<service> listening' log line (empty until it has logged it). */
  protected get listeningLine(): Record<string, unknown> {
    return this.#listening
  }

  /** Resolves once the current process has logged '<service> listening'. */
  async listening(): Promise<void> {
    this.#listening = await this.#current.line(`${this.service} listening`, READY_TIMEOUT_MS)
  }

  kill(sent: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return signal(this.#current, sent)
  }

  stop(): Promise<void> {
    return signal(this.#current, 'SIGTERM')
  }

  /** Starts the process again once it has exited; resolves once it listens. */
  protected async relaunch(): Promise<void> {
    if (this.running) throw new Error(`${this.service} ${this.args.join(' ')} is still running`)
    this.#current = this.launch(this.service, this.args)
    this.#listening = {}
    await this.listening()
  }
}

/** {@link ControllerHandle} over a restartable controller process. */
export class ControllerProcess extends Restartable implements ControllerHandle {
  constructor(
    launch: Launch,
    readonly nodeId: string,
    args: readonly string[],
  ) {
    super(launch, 'controller', args)
  }

  get url(): string {
    return this.listeningLine.url as string
  }

  health(): Promise<ControllerHealth> {
    return getJson<ControllerHealth>(`${this.url}/health`)
  }

  async active(): Promise<boolean> {
    if (!this.running) return false
    return (await this.health().catch(() => undefined))?.active === true
  }

  start(): Promise<void> {
    return this.relaunch()
  }
}

/** {@link BrokerHandle} over a restartable broker process. */
export class BrokerProcess extends Restartable implements BrokerHandle {
  constructor(
    launch: Launch,
    readonly brokerId: number,
    readonly dataDir: string,
    args: readonly string[],
  ) {
    super(launch, 'broker', args)
  }

  get httpPort(): number {
    return this.listeningLine.httpPort as number
  }

  get port(): number {
    return this.listeningLine.port as number
  }

  health(): Promise<BrokerHealth> {
    return getJson<BrokerHealth>(`http://127.0.0.1:${this.httpPort}/health`)
  }

  waitUnfenced(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    return waitUntil(
      async () => {
        const health = await this.health()
        return health.brokerEpoch >= 0 && !health.fenced
      },
      `broker ${this.brokerId} unfenced`,
      timeoutMs,
    )
  }

  async start(options: { readonly waitUnfenced?: boolean } = {}): Promise<void> {
    await this.relaunch()
    if (options.waitUnfenced !== false) await this.waitUnfenced()
  }
}
