import { type Command, restClientFor } from '../command/index.ts'
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_POLL_TIMEOUT_MS,
  readPartitions,
  resolveStarts,
} from '../partition-reader/index.ts'
import type { ConsumedRecord } from '../rest/index.ts'
import { formatRecord } from './format.ts'
import { consumeInGroup } from './group.ts'
import {
  CONSOLE_CONSUMER,
  type ConsoleConsumerOptions,
  consoleConsumerUsage,
  parseConsoleConsumerArgs,
} from './options.ts'

export type { RecordFormat } from './format.ts'
export { DEFAULT_RECORD_FORMAT, formatHeaders, formatRecord, formatTimestamp } from './format.ts'
export type { GroupConsumeOptions } from './group.ts'
export { consumeInGroup, offsetsAfterCut } from './group.ts'
export type { ConsoleConsumerOptions } from './options.ts'
export { parseConsoleConsumerArgs } from './options.ts'

/** The partition reader: every partition (or one) from a start, no group, nothing committed. */
const readWithoutGroup = async (
  options: ConsoleConsumerOptions,
  client: ReturnType<typeof restClientFor>,
  signal: AbortSignal,
  now: () => number,
  print: (records: readonly ConsumedRecord[]) => Promise<void>,
  stop: () => void,
): Promise<number> => {
  let count = 0
  const starts = await resolveStarts(client, options.topic, options.partition, options.start)
  await readPartitions(
    {
      client,
      topic: options.topic,
      starts,
      signal,
      pollTimeoutMs: DEFAULT_POLL_TIMEOUT_MS,
      maxBytes: DEFAULT_MAX_BYTES,
      now,
    },
    async (batch) => {
      const left = options.maxMessages === undefined ? Infinity : options.maxMessages - count
      const records = batch.records.slice(0, left)
      if (records.length === 0) return
      await print(records)
      count += records.length
      if (options.maxMessages !== undefined && count >= options.maxMessages) stop()
    },
  )
  return count
}

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
    const print = async (records: readonly ConsumedRecord[]): Promise<void> => {
      await io.stdout.write(records.map((r) => formatRecord(r, options.format)).join(''))
      resetIdle()
    }

    let count = 0
    try {
      if (options.group === undefined) {
        resetIdle()
        count = await readWithoutGroup(options, client, stop.signal, io.now, print, () =>
          stop.abort(),
        )
      } else {
        resetIdle()
        count = await consumeInGroup({
          client,
          group: options.group,
          topic: options.topic,
          autoOffsetReset: options.start.kind === 'earliest' ? 'earliest' : 'latest',
          signal: stop.signal,
          pollTimeoutMs: DEFAULT_POLL_TIMEOUT_MS,
          maxBytes: DEFAULT_MAX_BYTES,
          maxMessages: options.maxMessages,
          onRecords: print,
          warn: (message) => io.stderr.write(`WARN: ${message}\n`),
          now: io.now,
        })
      }
    } finally {
      clearTimeout(idleTimer)
      io.interrupt.removeEventListener('abort', onInterrupt)
      stop.abort()
    }
    await io.stderr.write(`Processed a total of ${count} messages\n`)
    return 0
  },
}
