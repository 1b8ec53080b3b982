import type { BinaryProduceRecord, ProduceOffset } from '../rest/index.ts'
import type { ParsedLine } from './line.ts'

/**
 * Lines in, requests out, in order: the reader queues parsed lines while the sender has one
 * request in flight; when it returns, everything queued (up to `batchSize`) goes in the next.
 * So a fast pipe fills batches and a person typing gets each line sent at once. Failures come
 * back per line, in line order; a failed request (the server refused it whole, or is gone)
 * stops the pipeline and is thrown.
 */

export interface LineFailure {
  readonly lineNumber: number
  readonly message: string
  readonly errorCode?: number
}

export interface ProduceLinesOptions {
  readonly lines: AsyncIterable<string>
  readonly parse: (line: string) => ParsedLine
  readonly send: (records: BinaryProduceRecord[]) => Promise<ProduceOffset[]>
  readonly batchSize: number
  /** Stops reading; what was read is still sent. */
  readonly signal: AbortSignal
  readonly report: (failure: LineFailure) => Promise<void>
}

export interface ProduceLinesResult {
  readonly sent: number
  readonly failed: number
  readonly requests: number
}

type Item = { readonly lineNumber: number; readonly parsed: ParsedLine }

/** A wake-up call: `wait()` resolves at the next `notify()`. Check state before waiting. */
const createNotifier = () => {
  let resolve = (): void => {}
  let promise = new Promise<void>((r) => {
    resolve = r
  })
  return {
    wait: (): Promise<void> => promise,
    notify(): void {
      const wake = resolve
      promise = new Promise<void>((r) => {
        resolve = r
      })
      wake()
    },
  }
}

const untilAbort = (signal: AbortSignal): Promise<undefined> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve(undefined)
    signal.addEventListener('abort', () => resolve(undefined), { once: true })
  })

export const produceLines = async (options: ProduceLinesOptions): Promise<ProduceLinesResult> => {
  const { batchSize, report } = options
  const queue: Item[] = []
  const queueChanged = createNotifier()
  const stopReading = new AbortController()
  const onAbort = (): void => stopReading.abort()
  options.signal.addEventListener('abort', onAbort, { once: true })
  if (options.signal.aborted) stopReading.abort()
  const aborted = untilAbort(stopReading.signal)
  let inputDone = false
  let sent = 0
  let failed = 0
  let requests = 0

  const read = async (): Promise<void> => {
    const iterator = options.lines[Symbol.asyncIterator]()
    let lineNumber = 0
    try {
      while (!stopReading.signal.aborted) {
        const next = await Promise.race([iterator.next(), aborted])
        if (next === undefined || next.done) break
        lineNumber++
        queue.push({ lineNumber, parsed: options.parse(next.value) })
        queueChanged.notify()
        // Back-pressure: a few batches ahead of the sender is enough.
        while (queue.length >= batchSize * 4 && !stopReading.signal.aborted) {
          await Promise.race([queueChanged.wait(), aborted])
        }
      }
    } finally {
      inputDone = true
      queueChanged.notify()
      void iterator.return?.()?.catch(() => {})
    }
  }

  const sendAll = async (): Promise<void> => {
    while (true) {
      if (queue.length === 0) {
        if (inputDone) return
        await queueChanged.wait()
        continue
      }
      const batch = queue.splice(0, batchSize)
      queueChanged.notify()
      const records = batch.flatMap((item) => (item.parsed.ok ? [item.parsed.record] : []))
      let reports: ProduceOffset[] = []
      if (records.length > 0) {
        requests++
        reports = await options.send(records)
      }
      let at = 0
      for (const { lineNumber, parsed } of batch) {
        if (!parsed.ok) {
          failed++
          await report({ lineNumber, message: parsed.message })
          continue
        }
        const result = reports[at++]
        if (result && result.error_code !== null && result.error_code !== undefined) {
          failed++
          await report({
            lineNumber,
            message: result.error ?? 'the server refused the record',
            errorCode: result.error_code,
          })
        } else {
          sent++
        }
      }
    }
  }

  try {
    const reader = read()
    try {
      await sendAll()
    } catch (error) {
      stopReading.abort()
      await reader.catch(() => {})
      throw error
    }
    await reader
  } finally {
    options.signal.removeEventListener('abort', onAbort)
    stopReading.abort()
  }
  return { sent, failed, requests }
}
