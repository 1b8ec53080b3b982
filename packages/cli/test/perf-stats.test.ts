import { describe, expect, it } from 'vitest'
import {
  formatProgress,
  formatSummary,
  LatencyRecorder,
  MB,
  WindowMeter,
  weightedPercentiles,
} from '../src/perf-stats/index.ts'
import { randomPayload } from '../src/producer-perf-test/index.ts'

describe('latency percentiles', () => {
  it('takes the nearest rank over weighted samples', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    const ones = values.map(() => 1)
    expect(weightedPercentiles(values, ones, [0.5, 0.95, 0.99, 0.999, 1])).toEqual([
      50, 95, 99, 100, 100,
    ])
    // One request of 98 records at 1 ms and one of 2 records at 500 ms.
    expect(weightedPercentiles([500, 1], [2, 98], [0.5, 0.98, 0.99])).toEqual([1, 1, 500])
    expect(weightedPercentiles([], [], [0.5])).toEqual([0])
  })

  it('summarizes count, average, maximum and p50/p95/p99/p99.9', () => {
    const recorder = new LatencyRecorder()
    for (let ms = 1; ms <= 1000; ms++) recorder.record(ms)
    expect(recorder.summary()).toEqual({
      count: 1000,
      avgMs: 500.5,
      maxMs: 1000,
      p50Ms: 500,
      p95Ms: 950,
      p99Ms: 990,
      p999Ms: 999,
    })
  })

  it('weighs a request latency by the records it carried', () => {
    const recorder = new LatencyRecorder()
    recorder.record(2, 99)
    recorder.record(100, 1)
    const summary = recorder.summary()
    expect(summary.count).toBe(100)
    expect(summary.avgMs).toBeCloseTo(2.98)
    expect(summary.p99Ms).toBe(2)
    expect(summary.p999Ms).toBe(100)
    expect(summary.maxMs).toBe(100)
  })

  it('keeps memory bounded and percentiles close when sampling down', () => {
    const recorder = new LatencyRecorder(64)
    for (let i = 0; i < 10_000; i++) recorder.record(i % 100)
    const summary = recorder.summary()
    expect(summary.count).toBe(10_000)
    expect(summary.maxMs).toBe(99)
    expect(summary.avgMs).toBeCloseTo(49.5)
    expect(Math.abs(summary.p50Ms - 50)).toBeLessThanOrEqual(5)
  })
})

describe('perf output', () => {
  const latency = {
    count: 1000,
    avgMs: 3.456,
    maxMs: 120,
    p50Ms: 2,
    p95Ms: 7.5,
    p99Ms: 20.25,
    p999Ms: 99,
  }

  it("prints the summary in the words of Kafka's perf tool", () => {
    expect(
      formatSummary('sent', { records: 1000, bytes: 1000 * 1024, elapsedMs: 2000 }, latency),
    ).toBe(
      '1000 records sent, 500.0 records/sec (0.49 MB/sec), 3.46 ms avg latency, ' +
        '120.00 ms max latency, 2.00 ms 50th, 7.50 ms 95th, 20.25 ms 99th, 99.00 ms 99.9th.',
    )
    expect(
      formatSummary('received', { records: 0, bytes: 0, elapsedMs: 0 }, latency, 'fetch latency'),
    ).toMatch(
      /^0 records received, 0\.0 records\/sec \(0\.00 MB\/sec\), 3\.46 ms avg fetch latency/,
    )
  })

  it('reports a window and starts the next', () => {
    const meter = new WindowMeter(1000)
    meter.add(100, MB, 4)
    meter.add(300, 2 * MB, 8)
    const window = meter.take(3000)
    expect(window).toEqual({
      records: 400,
      bytes: 3 * MB,
      elapsedMs: 2000,
      avgLatencyMs: 7,
      maxLatencyMs: 8,
    })
    expect(formatProgress('sent', window)).toBe(
      '400 records sent, 200.0 records/sec (1.50 MB/sec), 7.0 ms avg latency, 8.0 ms max latency.',
    )
    expect(meter.take(4000)).toEqual({
      records: 0,
      bytes: 0,
      elapsedMs: 1000,
      avgLatencyMs: 0,
      maxLatencyMs: 0,
    })
  })

  it("makes Kafka's payload: the size asked, uppercase letters", () => {
    const payload = randomPayload(1000)
    expect(payload).toHaveLength(1000)
    expect(payload).toMatch(/^[A-Z]+$/)
  })
})
