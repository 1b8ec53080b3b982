import type { LatencySummary } from './latency.ts'

/**
 * What the perf tests print, in the words of Kafka's tools: a progress line per reporting
 * window and one summary line at the end. Pure formatting plus a window meter.
 */

/** Kafka's tools divide by 1024 * 1024 for "MB". */
export const MB = 1024 * 1024

export interface WindowTotals {
  readonly records: number
  readonly bytes: number
  readonly elapsedMs: number
  readonly avgLatencyMs: number
  readonly maxLatencyMs: number
}

export interface RunTotals {
  readonly records: number
  readonly bytes: number
  readonly elapsedMs: number
}

/** Counts records, bytes and latency over one reporting window at a time. */
export class WindowMeter {
  #startMs: number
  #records = 0
  #bytes = 0
  #latencySumMs = 0
  #latencyWeight = 0
  #maxLatencyMs = 0

  constructor(nowMs: number) {
    this.#startMs = nowMs
  }

  add(records: number, bytes: number, latencyMs: number): void {
    this.#records += records
    this.#bytes += bytes
    this.#latencySumMs += latencyMs * records
    this.#latencyWeight += records
    if (latencyMs > this.#maxLatencyMs) this.#maxLatencyMs = latencyMs
  }

  /** The window so far; the next one starts now. */
  take(nowMs: number): WindowTotals {
    const window = {
      records: this.#records,
      bytes: this.#bytes,
      elapsedMs: nowMs - this.#startMs,
      avgLatencyMs: this.#latencyWeight === 0 ? 0 : this.#latencySumMs / this.#latencyWeight,
      maxLatencyMs: this.#maxLatencyMs,
    }
    this.#startMs = nowMs
    this.#records = 0
    this.#bytes = 0
    this.#latencySumMs = 0
    this.#latencyWeight = 0
    this.#maxLatencyMs = 0
    return window
  }
}

const perSecond = (amount: number, elapsedMs: number): number =>
  elapsedMs <= 0 ? 0 : (amount * 1000) / elapsedMs

/** `1200 records sent, 240.0 records/sec (0.02 MB/sec), 3.1 ms avg latency, 9.0 ms max latency.` */
export const formatProgress = (
  verb: string,
  window: WindowTotals,
  latencyName = 'latency',
): string =>
  `${window.records} records ${verb}, ` +
  `${perSecond(window.records, window.elapsedMs).toFixed(1)} records/sec ` +
  `(${(perSecond(window.bytes, window.elapsedMs) / MB).toFixed(2)} MB/sec), ` +
  `${window.avgLatencyMs.toFixed(1)} ms avg ${latencyName}, ` +
  `${window.maxLatencyMs.toFixed(1)} ms max ${latencyName}.`

/**
 * `N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, p ms 50th,
 * p ms 95th, p ms 99th, p ms 99.9th.`, Kafka's summary with fractional milliseconds.
 */
export const formatSummary = (
  verb: string,
  totals: RunTotals,
  latency: LatencySummary,
  latencyName = 'latency',
): string =>
  `${totals.records} records ${verb}, ` +
  `${perSecond(totals.records, totals.elapsedMs).toFixed(1)} records/sec ` +
  `(${(perSecond(totals.bytes, totals.elapsedMs) / MB).toFixed(2)} MB/sec), ` +
  `${latency.avgMs.toFixed(2)} ms avg ${latencyName}, ` +
  `${latency.maxMs.toFixed(2)} ms max ${latencyName}, ` +
  `${latency.p50Ms.toFixed(2)} ms 50th, ${latency.p95Ms.toFixed(2)} ms 95th, ` +
  `${latency.p99Ms.toFixed(2)} ms 99th, ${latency.p999Ms.toFixed(2)} ms 99.9th.`
