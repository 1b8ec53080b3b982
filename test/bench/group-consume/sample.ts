import { median } from '../http-produce/load.ts'

/**
 * One consumption measurement: every pre-produced record read once by the group (records
 * delivered twice, after a rebalance, are counted as duplicates, not as progress).
 */
export interface ConsumeSample {
  readonly recordsPerSec: number
  readonly bytesPerSec: number
  readonly seconds: number
  /** Acknowledged batches: commits after polls, batch acks, XACKs. */
  readonly batches: number
  /** Deliveries beyond the first of a record. */
  readonly duplicates: number
}

/** Counts progress towards "every record once" and stamps the time it is reached. */
export class Progress {
  readonly #started = performance.now()
  #unique = 0
  #deliveries = 0
  #batches = 0
  #doneAt: number | undefined
  #resolve: () => void = () => {}
  /** Resolves once `total` distinct records were seen. */
  readonly done: Promise<void>

  constructor(
    readonly total: number,
    readonly valueBytes: number,
  ) {
    this.done = new Promise((resolve) => {
      this.#resolve = resolve
    })
    if (total === 0) this.#finish()
  }

  get finished(): boolean {
    return this.#doneAt !== undefined
  }

  /** `delivered` records arrived, of which `fresh` were not seen before. */
  add(delivered: number, fresh: number): void {
    if (delivered === 0) return
    this.#deliveries += delivered
    this.#unique += fresh
    if (this.#unique >= this.total && this.#doneAt === undefined) this.#finish()
  }

  /** A poll (or pull batch, or read) that returned records was acknowledged. */
  batch(): void {
    this.#batches++
  }

  #finish(): void {
    this.#doneAt = performance.now()
    this.#resolve()
  }

  sample(): ConsumeSample {
    const seconds = ((this.#doneAt ?? performance.now()) - this.#started) / 1000
    return {
      recordsPerSec: this.#unique / seconds,
      bytesPerSec: (this.#unique * this.valueBytes) / seconds,
      seconds,
      batches: this.#batches,
      duplicates: this.#deliveries - this.#unique,
    }
  }
}

/** The median of each figure over rounds (duplicates summed). */
export const summarizeConsume = (samples: readonly ConsumeSample[]): ConsumeSample => ({
  recordsPerSec: median(samples.map((s) => s.recordsPerSec)),
  bytesPerSec: median(samples.map((s) => s.bytesPerSec)),
  seconds: median(samples.map((s) => s.seconds)),
  batches: median(samples.map((s) => s.batches)),
  duplicates: samples.reduce((sum, s) => sum + s.duplicates, 0),
})

/** Rejects after `ms` (the message says what hung); the timer does not hold the process. */
export const deadline = (ms: number, what: string): Promise<never> =>
  new Promise((_, fail) => {
    const timer = setTimeout(() => fail(new Error(`${what} did not finish within ${ms} ms`)), ms)
    timer.unref()
  })
