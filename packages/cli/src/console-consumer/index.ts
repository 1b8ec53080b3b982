import { type Command, restClientFor } from '../command/index.ts'
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_POLL_TIMEOUT_MS,
  readPartitions,
  resolveStarts,
} from '../partition-reader/index.ts'

import { formatRecord } from './format.ts'
import { CONSOLE_CONSUMER, consoleConsumerUsage, parseConsoleConsumerArgs } from './options.ts'

export type { RecordFormat } from './format.ts'
export { DEFAULT_RECORD_FORMAT, formatHeaders, formatRecord, formatTimestamp } from './format.ts'
export type { ConsoleConsumerOptions } from './options.ts'
export { parseConsoleConsumerArgs } from './options.ts'

export const consoleConsumerCommand: Command = {
  name: CONSOLE_CONSUMER,
  summary: "print a topic's records on stdout",
  usage: consoleConsumerUsage,
  async run(argv, context) {
    const options = parseConsoleConsumerArgs(argv, context.defaultBootstrapServer)
    const { io } = context
    const client = restClientFor(context, options.bootstrapServer)
    const stop = new AbortController()
    const onInterrupt = (): void => stop.abort()
    io.interrupt.addEventListener('abort', onInterrupt, { once: true })
    if (io.interrupt.aborted) stop.abort()
    void io.stdinClosed().then(() => stop.abort())

    let idleTimer: ReturnType<typeof setTimeout> | undefined
    const resetIdle = (): void => {
      if (options.timeoutMs === undefined) return
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => stop.abort(), options.timeoutMs)
    }

    let count = 0
    try {
      const starts = await resolveStarts(client, options.topic, options.partition, options.start)
      resetIdle()
      await readPartitions(
        {
          client,
          topic: options.topic,
          starts,
          signal: stop.signal,
          pollTimeoutMs: DEFAULT_POLL_TIMEOUT_MS,
          maxBytes: DEFAULT_MAX_BYTES,
          now: io.now,
        },
        async (batch) => {
          const left = options.maxMessages === undefined ? Infinity : options.maxMessages - count
          const records = batch.records.slice(0, left)
          if (records.length === 0) return
          await io.stdout.write(records.map((r) => formatRecord(r, options.format)).join(''))
          count += records.length
          resetIdle()
          if (options.maxMessages !== undefined && count >= options.maxMessages) stop.abort()
        },
      )
    } finally {
      clearTimeout(idleTimer)
      io.interrupt.removeEventListener('abort', onInterrupt)
      stop.abort()
    }
    await io.stderr.write(`Processed a total of ${count} messages\n`)
    return 0
  },
}
