import type { Io } from '../src/io/index.ts'

/** An Io held in memory: feed stdin lines, read what the command printed. */
export interface MemoryIo extends Io {
  readonly out: string[]
  readonly err: string[]
  /** Everything written to stdout, joined. */
  stdoutText(): string
  stderrText(): string
  /** Aborts `interrupt`, as Ctrl-C would. */
  interruptNow(): void
  /** Ends standard input. */
  closeStdin(): void
}

export const createMemoryIo = (input: readonly string[] = []): MemoryIo => {
  const out: string[] = []
  const err: string[] = []
  const controller = new AbortController()
  let closeStdin = (): void => {}
  const closed = new Promise<void>((resolve) => {
    closeStdin = resolve
  })
  return {
    out,
    err,
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
    stdout: { write: async (text) => void out.push(text) },
    stderr: { write: async (text) => void err.push(text) },
    async *lines() {
      yield* input
    },
    stdinClosed: () => closed,
    interrupt: controller.signal,
    now: () => performance.now(),
    interruptNow: () => controller.abort(),
    closeStdin: () => closeStdin(),
  }
}
