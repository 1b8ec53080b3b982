import { type Command, restClientFor } from '../command/index.ts'
import { ServerError } from '../errors/index.ts'
import { formatSummary, LatencyRecorder, reportProgress, WindowMeter } from '../perf-stats/index.ts'
import { type BinaryProduceRecord, base64Of } from '../rest/index.ts'
import { PRODUCER_PERF_TEST, parseProducerPerfArgs, producerPerfTestUsage } from './options.ts'

export type { ProducerPerfOptions } from './options.ts'
export { parseProducerPerfArgs } from './options.ts'

/** Kafka's perf payload: random uppercase letters, made once and sent in every record. */
export const randomPayload = (size: number, random: () => number = Math.random): string => {
  let payload = ''
  for (let i = 0; i < size; i++) payload += String.fromCharCode(65 + Math.floor(random() * 26))
  return payload
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

export const producerPerfTestCommand: Command = {
  name: PRODUCER_PERF_TEST,
  summary: 'measure produce throughput and latency',
  usage: producerPerfTestUsage,
  async run(argv, context) {
    const options = parseProducerPerfArgs(argv, context.defaultBootstrapServer)
    const { io } = context
    const client = restClientFor(context, options.bootstrapServer)
    const value = base64Of(randomPayload(options.recordSize))
    const full: BinaryProduceRecord[] = Array.from({ length: options.batchSize }, () => ({ value }))

    const stop = new AbortController()
    const onInterrupt = (): void => stop.abort()
    io.interrupt.addEventListener('abort', onInterrupt, { once: true })
    const latency = new LatencyRecorder()
    const startMs = io.now()
    const meter = new WindowMeter(startMs)
    const stopProgress = reportProgress(io, meter, 'sent', options.reportingIntervalMs)
    let claimed = 0
    let acked = 0
    let failed = 0
    let firstFailure: string | undefined
    let fatal: unknown

    const worker = async (): Promise<void> => {
      while (!stop.signal.aborted) {
        const count = Math.min(options.batchSize, options.numRecords - claimed)
        if (count <= 0) return
        const first = claimed
        claimed += count
        if (options.throughput !== undefined) {
          await sleep(startMs + (first * 1000) / options.throughput - io.now(), stop.signal)
          if (stop.signal.aborted) return
        }
        const sentAt = io.now()
        const reports = await client.produceBinary(
          options.topic,
          count === full.length ? full : full.slice(0, count),
          stop.signal,
        )
        const latencyMs = io.now() - sentAt
        const bad = reports.filter((r) => r.error_code !== null && r.error_code !== undefined)
        const good = count - bad.length
        if (bad.length > 0) {
          failed += bad.length
          const [report] = bad
          firstFailure ??= `Error: ${report?.error ?? 'record refused'} (error_code ${report?.error_code})`
        }
        acked += good
        latency.record(latencyMs, good)
        meter.add(good, good * options.recordSize, latencyMs)
      }
    }

    const workers = Array.from({ length: options.concurrency }, () =>
      worker().catch((error: unknown) => {
        if (stop.signal.aborted && !(error instanceof ServerError)) return
        fatal ??= error
        stop.abort()
      }),
    )
    try {
      await Promise.all(workers)
    } finally {
      stopProgress()
      io.interrupt.removeEventListener('abort', onInterrupt)
    }
    const elapsedMs = io.now() - startMs
    if (firstFailure !== undefined) await io.stderr.write(`${firstFailure}\n`)
    if (fatal !== undefined && acked === 0) throw fatal
    await io.stdout.write(
      `${formatSummary(
        'sent',
        { records: acked, bytes: acked * options.recordSize, elapsedMs },
        latency.summary(),
      )}\n`,
    )
    if (failed > 0) await io.stderr.write(`${failed} records failed.\n`)
    if (fatal !== undefined) throw fatal
    return failed > 0 ? 1 : 0
  },
}
