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

const sinkOf = (stream: NodeJS.WritableStream): TextSink => ({
  write: (text) =>
    new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error)
      stream.once('error', onError)
      const accepted = stream.write(text, () => stream.off('error', onError))
      if (accepted) resolve()
      else stream.once('drain', () => resolve())
    }),
})

const watchableStdin = (): boolean => {
  try {
    if (isatty(0)) return true
    const stat = fstatSync(0)
    return stat.isFIFO() || stat.isSocket()
  } catch {
    return false
  }
}

/** The process's own streams and signals. Call `dispose` when the command is done. */
export const createProcessIo = (): Io & { dispose(): void } => {
  const controller = new AbortController()
  const onSignal = (): void => controller.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let stdinTouched = false
  return {
    stdout: sinkOf(process.stdout),
    stderr: sinkOf(process.stderr),
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
    interrupt: controller.signal,
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
