import type { Io } from '../io/index.ts'
import { formatProgress, type WindowMeter } from './report.ts'

/**
 * Prints the meter's window every `intervalMs` on stdout (as Kafka's tools do) until the
 * returned stop is called.
 */
export const reportProgress = (
  io: Io,
  meter: WindowMeter,
  verb: string,
  intervalMs: number,
  latencyName?: string,
): (() => void) => {
  const timer = setInterval(() => {
    void io.stdout.write(`${formatProgress(verb, meter.take(io.now()), latencyName)}\n`)
  }, intervalMs)
  return () => clearInterval(timer)
}
