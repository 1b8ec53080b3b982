import { fstatSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { isatty } from 'node:tty'

/**
 * What a command touches of the outside world, so commands run in tests against memory and
 * in `bin.ts` against the process. Commands never read `process` themselves.
 */

export interface TextSink {
  /** Resolves once the text is accepted (after `drain` when the stream pushed back). */
  write(text: string): Promise<void>
}

export interface Io {
  readonly stdout: TextSink
  readonly stderr: TextSink
  /** Lines of standard input, without their line endings. */
  lines(): AsyncIterable<string>
  /**
   * Resolves when standard input is closed by whoever holds its other end (a terminal's
   * Ctrl-D, a parent closing the pipe). Never resolves when stdin is a file or /dev/null,
   * which would otherwise end every consumer at once.
   */
  stdinClosed(): Promise<void>
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  readonly interrupt: AbortSignal
  /** Milliseconds on a monotonic clock. */
  now(): number
}

/**
 * A sink on a process stream. A broken stream (the reader of a pipe went away: `| head`) is
 * reported once through `onBroken` and later writes are dropped, so commands end quietly.
 */
const sinkOf = (stream: NodeJS.WriteStream, onBroken: () => void): TextSink => {
  let broken = false
  stream.on('error', () => {
    broken = true
    onBroken()
  })
  return {
    write: (text) =>
      new Promise((resolve) => {
        if (broken) return resolve()
        if (stream.write(text)) return resolve()
        const done = (): void => {
          stream.off('drain', done)
          stream.off('error', done)
          resolve()
        }
        stream.once('drain', done)
        stream.once('error', done)
      }),
  }
}

const watchableStdin = (): boolean => {
  try {
    if (isatty(0)) return true
    const stat = fstatSync(0)
    return stat.isFIFO() || stat.isSocket()
  } catch {
    return false
  }
}

/**
 * The process's own streams and signals. SIGINT and SIGTERM are caught only once a command
 * asks for `interrupt` (so `start` keeps its own signal handling). Call `dispose` when done.
 */
export const createProcessIo = (): Io & { dispose(): void } => {
  const controller = new AbortController()
  const onSignal = (): void => controller.abort()
  let signalsCaught = false
  let stdinTouched = false
  return {
    stdout: sinkOf(process.stdout, onSignal),
    stderr: sinkOf(process.stderr, () => {}),
    lines: () => {
      stdinTouched = true
      return createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
    },
    stdinClosed: () =>
      new Promise<void>((resolve) => {
        if (!watchableStdin()) return
        stdinTouched = true
        process.stdin.once('end', () => resolve())
        process.stdin.once('close', () => resolve())
        process.stdin.on('data', () => {})
        process.stdin.resume()
      }),
    get interrupt() {
      if (!signalsCaught) {
        signalsCaught = true
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
      }
      return controller.signal
    },
    now: () => performance.now(),
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      if (!stdinTouched) return
      // The consumer leaves stdin flowing to see it close; paused and unreferenced, it lets
      // Node exit.
      process.stdin.pause()
      ;(process.stdin as { unref?: () => void }).unref?.()
    },
  }
}
