/**
 * Service processes of the long form's cluster that failed to start or exited on their own,
 * with their last stderr and log lines, for the details of the round it happened in. The
 * services log as JSON on stdout, a fatal error included, so the harness's "broker exited
 * before logging 'broker listening'" (which quotes stderr only) does not say why; and once a
 * round heals, the failed process is replaced and its output is gone. So the watch takes the
 * output as a start fails, and looks at each process before it is replaced.
 */
import type { Cluster } from '../../harness/cluster.ts'
import type { ServiceProcess } from '../../harness/services.ts'

/** One process that failed to start or exited on its own. */
export interface ServiceFailure {
  /** Which service: `broker 2`, `controller-1`, `gateway 1`. */
  readonly service: string
  /** What happened: `did not start: …` or `exited with code 1`. */
  readonly what: string
  /** Its first and last lines on stderr (empty: none). */
  readonly stderr: readonly string[]
  /** Its last log lines, rendered short (see {@link renderLogLine}). */
  readonly log: readonly string[]
}

/** A service the watch can follow: its current process, started again by `start`. */
export interface Restartable {
  readonly process: ServiceProcess
  start(options?: { readonly waitUnfenced?: boolean }): Promise<void>
}

/** How many lines of each output a failure keeps. */
const TAIL_LINES = 12
/** How much of a process's stderr the watch keeps while it runs. */
const STDERR_TAIL_CHARS = 4_000
/** How long a rendered log line may be. */
const LOG_LINE_CHARS = 400
/** Signals the suite sends itself: an exit on them is a fault injected, not a failure. */
const SENT_SIGNALS = new Set<string>(['SIGKILL', 'SIGTERM'])

/** Collects the failures of the processes it watches (see the file comment). */
export class ServiceWatch {
  readonly #watched: { readonly service: string; current(): ServiceProcess }[] = []
  readonly #failures: ServiceFailure[] = []
  readonly #reported = new WeakSet<ServiceProcess>()
  readonly #stderr = new WeakMap<ServiceProcess, string>()

  /** Watches every controller, broker and gateway of `cluster`. */
  static of(cluster: Cluster): ServiceWatch {
    const watch = new ServiceWatch()
    for (const controller of cluster.controllers) watch.restartable(controller.nodeId, controller)
    for (const [id, broker] of cluster.brokers) watch.restartable(`broker ${id}`, broker)
    cluster.gatewayProcesses.forEach((gateway, index) => {
      watch.process(`gateway ${index + 1}`, gateway)
    })
    return watch
  }

  /** Watches a process that is never started again. */
  process(service: string, started: ServiceProcess): void {
    this.#listen(started)
    this.#watched.push({ service, current: () => started })
  }

  /**
   * Watches a restartable service: each of its processes, and each `start` that fails. Its
   * `start` is wrapped in place, so every caller (the fault injector, `heal`) goes through it.
   */
  restartable(service: string, handle: Restartable): void {
    this.#listen(handle.process)
    this.#watched.push({ service, current: () => handle.process })
    const start = handle.start.bind(handle)
    handle.start = async (options) => {
      this.#noteExit(service, handle.process)
      const starting = start(options)
      // The handle launches its new process before its first wait.
      this.#listen(handle.process)
      try {
        await starting
      } catch (error) {
        const failed = handle.process
        if (!this.#reported.has(failed)) {
          this.#reported.add(failed)
          // The harness's message ends in a colon before the stderr it quotes.
          const reason = ((error as Error).message.split('\n')[0] ?? '').replace(/:$/, '')
          this.#failures.push(this.#failure(service, `did not start: ${reason}`, failed))
        }
        throw error
      }
    }
  }

  /** The failures since the last call (processes that exited on their own included). */
  take(): ServiceFailure[] {
    for (const { service, current } of this.#watched) this.#noteExit(service, current())
    return this.#failures.splice(0)
  }

  #listen(started: ServiceProcess): void {
    if (this.#stderr.has(started)) return
    this.#stderr.set(started, '')
    started.child.stderr?.on('data', (chunk: Buffer) => {
      const kept = `${this.#stderr.get(started) ?? ''}${chunk.toString()}`
      this.#stderr.set(started, kept.slice(-STDERR_TAIL_CHARS))
    })
  }

  #noteExit(service: string, started: ServiceProcess): void {
    if (this.#reported.has(started)) return
    const { exitCode, signalCode } = started.child
    const onItsOwn =
      (exitCode !== null && exitCode !== 0) ||
      (signalCode !== null && !SENT_SIGNALS.has(signalCode))
    if (!onItsOwn) return
    this.#reported.add(started)
    const how = exitCode !== null ? `code ${exitCode}` : `signal ${signalCode}`
    this.#failures.push(this.#failure(service, `exited with ${how}`, started))
  }

  #failure(service: string, what: string, started: ServiceProcess): ServiceFailure {
    const stderr = (this.#stderr.get(started) ?? '').split('\n').filter((line) => line !== '')
    return {
      service,
      what,
      stderr: headAndTail(stderr),
      log: started.lines.slice(-TAIL_LINES).map(renderLogLine),
    }
  }
}

/**
 * At most {@link TAIL_LINES} of `lines`: the first two (where a process says why it will not
 * start) and the last ones (where it says why it died).
 */
function headAndTail(lines: readonly string[]): string[] {
  if (lines.length <= TAIL_LINES) return [...lines]
  const tail = lines.slice(-(TAIL_LINES - 3))
  return [...lines.slice(0, 2), `… (${lines.length - 2 - tail.length} lines)`, ...tail]
}

/** pino's level numbers by name. */
const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

/**
 * A service's JSON log line, short: time, level, message, the error's type and message, then
 * the other fields (pid, service and hostname left out: the failure names the service).
 */
export function renderLogLine(line: Readonly<Record<string, unknown>>): string {
  const { time, level, msg, err, pid: _pid, service: _service, hostname: _host, ...rest } = line
  const parts = [
    typeof time === 'number' ? new Date(time).toISOString() : '',
    LEVELS[level as number] ?? String(level),
    String(msg ?? ''),
  ]
  if (typeof err === 'object' && err !== null) {
    const { type, message } = err as { type?: unknown; message?: unknown }
    parts.push(`err=${String(type ?? 'Error')}: ${String(message ?? '')}`)
  }
  if (Object.keys(rest).length > 0) parts.push(JSON.stringify(rest))
  const rendered = parts.filter((part) => part !== '').join(' ')
  return rendered.length > LOG_LINE_CHARS ? `${rendered.slice(0, LOG_LINE_CHARS)}…` : rendered
}
