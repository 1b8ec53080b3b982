import { type Command, restClientFor } from '../command/index.ts'
import { readPartitions, resolveStarts } from '../partition-reader/index.ts'
import { formatSummary, LatencyRecorder, reportProgress, WindowMeter } from '../perf-stats/index.ts'
import { base64Size } from '../rest/index.ts'
import { CONSUMER_PERF_TEST, consumerPerfTestUsage, parseConsumerPerfArgs } from './options.ts'

export type { ConsumerPerfOptions } from './options.ts'
export { parseConsumerPerfArgs } from './options.ts'

/** The read's `timeout`: long enough to be a long poll, short enough to notice the idle limit. */
const POLL_TIMEOUT_MS = 500

export const consumerPerfTestCommand: Command = {
  name: CONSUMER_PERF_TEST,
  summary: 'measure consume throughput and read latency',
  usage: consumerPerfTestUsage,
  async run(argv, context) {
    const options = parseConsumerPerfArgs(argv, context.defaultBootstrapServer)
    const { io } = context
    const client = restClientFor(context, options.bootstrapServer)
    const starts = await resolveStarts(
      client,
      options.topic,
      undefined,
      options.fromLatest ? { kind: 'latest' } : { kind: 'earliest' },
    )

    const stop = new AbortController()
    const onInterrupt = (): void => stop.abort()
    io.interrupt.addEventListener('abort', onInterrupt, { once: true })
    let timedOut = false
    let idleTimer: ReturnType<typeof setTimeout> | undefined
    const resetIdle = (): void => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => {
        timedOut = true
        stop.abort()
      }, options.timeoutMs)
    }

    const latency = new LatencyRecorder()
    const startMs = io.now()
    const meter = new WindowMeter(startMs)
    const stopProgress = reportProgress(
      io,
      meter,
      'received',
      options.reportingIntervalMs,
      'fetch latency',
    )
    let records = 0
    let bytes = 0
    try {
      resetIdle()
      await readPartitions(
        {
          client,
          topic: options.topic,
          starts,
          signal: stop.signal,
          pollTimeoutMs: Math.min(POLL_TIMEOUT_MS, options.timeoutMs),
          maxBytes: options.fetchSize,
          now: io.now,
        },
        (batch) => {
          const taken = batch.records.slice(0, options.messages - records)
          let batchBytes = 0
          for (const record of taken)
            batchBytes += base64Size(record.key) + base64Size(record.value)
          records += taken.length
          bytes += batchBytes
          latency.record(batch.latencyMs, taken.length)
          meter.add(taken.length, batchBytes, batch.latencyMs)
          resetIdle()
          if (records >= options.messages) stop.abort()
        },
      )
    } finally {
      clearTimeout(idleTimer)
      stopProgress()
      io.interrupt.removeEventListener('abort', onInterrupt)
    }
    // The idle wait is not consuming time: leave it out, as Kafka's tool does.
    const elapsedMs = Math.max(0, io.now() - startMs - (timedOut ? options.timeoutMs : 0))
    if (timedOut && records < options.messages) {
      await io.stderr.write(
        `WARNING: Exiting before consuming the expected number of messages: timeout (${options.timeoutMs} ms) exceeded.\n`,
      )
    }
    await io.stdout.write(
      `${formatSummary('received', { records, bytes, elapsedMs }, latency.summary(), 'fetch latency')}\n`,
    )
    return 0
  },
}
