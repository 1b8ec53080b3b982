/**
 * Latency percentiles over a run. Every sample counts toward count, average and maximum; for
 * the percentiles at most `maxSamples` are kept: when full, every other one is dropped and only
 * every 2nd (then 4th, ...) new one is kept, so memory stays bounded and the kept samples stay
 * spread evenly over the run (Kafka's perf tool samples the same way, at a fixed stride).
 */

export interface LatencySummary {
  /** Records the latencies stand for (a request's latency counts once per record in it). */
  readonly count: number
  readonly avgMs: number
  readonly maxMs: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly p99Ms: number
  readonly p999Ms: number
}

export const DEFAULT_MAX_SAMPLES = 1 << 20

export class LatencyRecorder {
  readonly #maxSamples: number
  #values: Float64Array
  #weights: Float64Array
  #size = 0
  #stride = 1
  #seen = 0
  #count = 0
  #sumMs = 0
  #maxMs = 0

  constructor(maxSamples = DEFAULT_MAX_SAMPLES) {
    if (maxSamples < 2) throw new RangeError('maxSamples must be at least 2')
    this.#maxSamples = maxSamples
    this.#values = new Float64Array(Math.min(1024, maxSamples))
    this.#weights = new Float64Array(this.#values.length)
  }

  /** A latency that `weight` records shared (all the records of one request). */
  record(latencyMs: number, weight = 1): void {
    if (weight <= 0) return
    this.#count += weight
    this.#sumMs += latencyMs * weight
    if (latencyMs > this.#maxMs) this.#maxMs = latencyMs
    if (this.#seen++ % this.#stride !== 0) return
    if (this.#size === this.#maxSamples) this.#halve()
    if (this.#size === this.#values.length) this.#grow()
    this.#values[this.#size] = latencyMs
    this.#weights[this.#size] = weight
    this.#size++
  }

  #grow(): void {
    const length = Math.min(this.#values.length * 2, this.#maxSamples)
    const values = new Float64Array(length)
    const weights = new Float64Array(length)
    values.set(this.#values)
    weights.set(this.#weights)
    this.#values = values
    this.#weights = weights
  }

  #halve(): void {
    let kept = 0
    for (let i = 0; i < this.#size; i += 2) {
      this.#values[kept] = this.#values[i] as number
      this.#weights[kept] = this.#weights[i] as number
      kept++
    }
    this.#size = kept
    this.#stride *= 2
  }

  summary(): LatencySummary {
    return summarize(
      Array.from(this.#values.subarray(0, this.#size)),
      Array.from(this.#weights.subarray(0, this.#size)),
      { count: this.#count, sumMs: this.#sumMs, maxMs: this.#maxMs },
    )
  }
}

/**
 * Nearest-rank percentile of weighted samples: the smallest value whose cumulative weight
 * reaches `q` of the total. Pure; `q` in (0, 1].
 */
export const weightedPercentiles = (
  values: readonly number[],
  weights: readonly number[],
  quantiles: readonly number[],
): number[] => {
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[a] as number) - (values[b] as number))
  const total = weights.reduce((sum, w) => sum + w, 0)
  if (order.length === 0 || total <= 0) return quantiles.map(() => 0)
  return quantiles.map((q) => {
    const rank = Math.max(Math.ceil(q * total - 1e-9), 1)
    let cumulative = 0
    for (const i of order) {
      cumulative += weights[i] as number
      if (cumulative >= rank) return values[i] as number
    }
    return values[order[order.length - 1] as number] as number
  })
}

const summarize = (
  values: readonly number[],
  weights: readonly number[],
  totals: { readonly count: number; readonly sumMs: number; readonly maxMs: number },
): LatencySummary => {
  const [p50Ms, p95Ms, p99Ms, p999Ms] = weightedPercentiles(
    values,
    weights,
    [0.5, 0.95, 0.99, 0.999],
  ) as [number, number, number, number]
  return {
    count: totals.count,
    avgMs: totals.count === 0 ? 0 : totals.sumMs / totals.count,
    maxMs: totals.maxMs,
    p50Ms,
    p95Ms,
    p99Ms,
    p999Ms,
  }
}
