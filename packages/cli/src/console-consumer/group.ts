import { CliError, UnreachableError } from '../errors/index.ts'
import type { ConsumedOffset, ConsumedRecord, ConsumerRef, RestClient } from '../rest/index.ts'

/**
 * `console-consumer --group`: reads a topic through a REST Proxy v2 consumer instance of the
 * group, as kafka-console-consumer does with `group.id`: the instance subscribes to the topic,
 * auto commit on (the gateway commits what it delivers), and the coordinator shares the
 * topic's partitions among the group's members.
 *
 * Stopping (Ctrl-C, --max-messages, idle timeout) lets the poll in flight finish, so what the
 * gateway delivered is printed, then commits and deletes the instance so its partitions move
 * to the other members at once. When --max-messages cut a batch short, the commit names the
 * offsets of what was printed, so the records left out go to the group's next reader instead
 * of being lost to the auto commit.
 */

/** What {@link consumeInGroup} reads, how, and where the records go. */
export interface GroupConsumeOptions {
  readonly client: RestClient
  readonly group: string
  readonly topic: string
  readonly autoOffsetReset: 'earliest' | 'latest'
  /** Aborting stops after the poll in flight (or sooner, see {@link STOP_GRACE_MS}). */
  readonly signal: AbortSignal
  readonly pollTimeoutMs: number
  readonly maxBytes: number
  /** At most this many records go to `onRecords`. */
  readonly maxMessages?: number | undefined
  /** Called with each non-empty batch, in order; the loop waits for it. */
  readonly onRecords: (records: readonly ConsumedRecord[]) => Promise<void>
  /** A line for the user when leaving the group did not fully work (the run still succeeds). */
  readonly warn: (message: string) => Promise<void>
  readonly now?: () => number
  /** Retries of a retriable failure (503, 50003, lost connection) before giving up. */
  readonly maxRetries?: number
}

/** How long a stop waits for the poll in flight beyond its own timeout before cancelling it. */
export const STOP_GRACE_MS = 2000
const DEFAULT_MAX_RETRIES = 5
const RETRY_BACKOFF_MS = 200
/** An empty answer faster than this is not a long poll; wait a little before asking again. */
const EMPTY_POLL_BACKOFF_MS = 100

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

const isRetriable = (error: unknown): boolean =>
  error instanceof UnreachableError || (error instanceof CliError && error.retriable)

const partitionKey = (record: ConsumedRecord): string => `${record.partition}\u0000${record.topic}`

/**
 * The offsets to commit (REST Proxy style: the last record processed) when `printed` was
 * handed over and `left` was delivered in the same batch but not printed: per partition of
 * the batch, the record before the first one left out. A partition whose first left-out
 * record is at offset 0 cannot be named that way and is skipped. Pure.
 */
export const offsetsAfterCut = (
  printed: readonly ConsumedRecord[],
  left: readonly ConsumedRecord[],
): ConsumedOffset[] => {
  const offsets = new Map<string, ConsumedOffset>()
  for (const record of printed) {
    const { topic, partition, offset } = record
    offsets.set(partitionKey(record), { topic, partition, offset })
  }
  const cut = new Set<string>()
  for (const record of left) {
    const key = partitionKey(record)
    if (cut.has(key)) continue
    cut.add(key)
    const { topic, partition, offset } = record
    if (offsets.has(key)) continue
    if (offset > 0) offsets.set(key, { topic, partition, offset: offset - 1 })
  }
  return [...offsets.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  )
}

/** Consumes until the signal or --max-messages; answers how many records were handed over. */
export const consumeInGroup = async (options: GroupConsumeOptions): Promise<number> => {
  const { client, signal } = options
  const now = options.now ?? (() => performance.now())
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const created = await client.createConsumer(options.group, {
    format: 'binary',
    autoOffsetReset: options.autoOffsetReset,
    autoCommit: true,
  })
  const consumer: ConsumerRef = { group: options.group, instance: created.instance_id }

  // A stop lets the poll in flight answer (its records were delivered, and auto committed);
  // only one that outlives its timeout by the grace is cancelled.
  const hard = new AbortController()
  let graceTimer: ReturnType<typeof setTimeout> | undefined
  const onStop = (): void => {
    graceTimer = setTimeout(() => hard.abort(), options.pollTimeoutMs + STOP_GRACE_MS)
  }
  signal.addEventListener('abort', onStop, { once: true })

  let count = 0
  let finalCommit: ConsumedOffset[] | undefined
  let failed = false
  try {
    await client.subscribe(consumer, [options.topic])
    let retries = 0
    while (!signal.aborted) {
      const startedAt = now()
      let records: ConsumedRecord[]
      try {
        records = await client.consumeRecords(consumer, {
          timeoutMs: options.pollTimeoutMs,
          maxBytes: options.maxBytes,
          signal: hard.signal,
        })
      } catch (error) {
        if (hard.signal.aborted) break
        if (!isRetriable(error) || retries >= maxRetries) throw error
        retries++
        await sleep(RETRY_BACKOFF_MS * 2 ** (retries - 1), signal)
        continue
      }
      retries = 0
      if (records.length === 0) {
        if (now() - startedAt < EMPTY_POLL_BACKOFF_MS) await sleep(EMPTY_POLL_BACKOFF_MS, signal)
        continue
      }
      const room = options.maxMessages === undefined ? Infinity : options.maxMessages - count
      const printed = records.slice(0, room)
      if (printed.length > 0) await options.onRecords(printed)
      count += printed.length
      if (printed.length < records.length) {
        finalCommit = offsetsAfterCut(printed, records.slice(printed.length))
      }
      if (options.maxMessages !== undefined && count >= options.maxMessages) break
    }
  } catch (error) {
    failed = true
    throw error
  } finally {
    signal.removeEventListener('abort', onStop)
    clearTimeout(graceTimer)
    await leave(options, consumer, finalCommit, failed)
  }
  return count
}

/**
 * Commits (unless the run failed: the instance may be gone) and deletes the instance. A
 * failure here is reported, not thrown: the records were printed, and the instance expires on
 * its own.
 */
const leave = async (
  options: GroupConsumeOptions,
  consumer: ConsumerRef,
  offsets: ConsumedOffset[] | undefined,
  failed: boolean,
): Promise<void> => {
  const { client } = options
  // An explicit list can come out empty (every record left out sat at offset 0): nothing to say.
  if (!failed && offsets?.length !== 0) {
    try {
      await client.commitOffsets(consumer, offsets)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      await options.warn(`could not commit the offsets of group '${options.group}': ${reason}`)
    }
  }
  try {
    await client.deleteConsumer(consumer)
  } catch (error) {
    if (failed) return
    const reason = error instanceof Error ? error.message : String(error)
    await options.warn(
      `could not delete consumer instance '${consumer.instance}' of group ` +
        `'${options.group}' (it expires on its own): ${reason}`,
    )
  }
}
