import { EventEmitter } from 'node:events'
import { type Logger, pino } from 'pino'
import type { ProcessHooks, TextSink } from '../src/index.ts'

/** A process stand-in: signals are emitted by the test, exits are recorded instead of taken. */
export class FakeProcess extends EventEmitter implements ProcessHooks {
  readonly exits: number[] = []
  exit(code: number): void {
    this.exits.push(code)
  }
}

/** A pino logger whose JSON lines land in `lines`. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  )
  return { logger, lines }
}

export function memorySink(): TextSink & { text: () => string } {
  let text = ''
  return {
    write: (chunk: string) => {
      text += chunk
    },
    text: () => text,
  }
}
