import type { TopicConfig } from '@tributary/core'
import type { PartitionLog } from '@tributary/storage'

/**
 * One partition replica hosted by this broker: its log, the topic config the log was opened
 * with, and the fetches waiting for it to change. Leadership is not kept here: it is read from
 * the metadata image at each request, so a change in the image takes effect at once.
 */
export class Replica {
  readonly topic: string
  readonly topicId: string
  readonly partition: number
  readonly dir: string
  #log: PartitionLog
  #config: TopicConfig
  /** The topic's Kafka-named overrides the log was opened with, to notice a change. */
  #configKey: string
  /** Set while the log is closed and reopened with a new config. */
  #reopening: Promise<void> | undefined
  readonly #waiters = new Set<() => void>()

  constructor(options: {
    readonly topic: string
    readonly topicId: string
    readonly partition: number
    readonly dir: string
    readonly log: PartitionLog
    readonly config: TopicConfig
    readonly configKey: string
  }) {
    this.topic = options.topic
    this.topicId = options.topicId
    this.partition = options.partition
    this.dir = options.dir
    this.#log = options.log
    this.#config = options.config
    this.#configKey = options.configKey
  }

  /** The log as it is now; during a reopen, the closing one (use {@link ready} to wait). */
  get log(): PartitionLog {
    return this.#log
  }

  /** The topic's effective config (Kafka's defaults under its overrides). */
  get config(): TopicConfig {
    return this.#config
  }

  get configKey(): string {
    return this.#configKey
  }

  /** The log once any reopen in progress has finished. */
  async ready(): Promise<PartitionLog> {
    while (this.#reopening !== undefined) await this.#reopening
    return this.#log
  }

  /**
   * Closes the log and opens it again through `open` (a PartitionLog's config is fixed when it
   * opens). Requests arriving meanwhile wait in {@link ready}.
   */
  async reopen(
    config: TopicConfig,
    configKey: string,
    open: () => Promise<PartitionLog>,
  ): Promise<void> {
    const run = (async () => {
      await this.#log.close()
      this.#log = await open()
      this.#config = config
      this.#configKey = configKey
    })()
    this.#reopening = run.then(
      () => undefined,
      () => undefined,
    )
    try {
      await run
    } finally {
      this.#reopening = undefined
    }
  }

  /** Wakes every fetch waiting for this replica to change (an append, a leadership change …). */
  notify(): void {
    const waiters = [...this.#waiters]
    this.#waiters.clear()
    for (const wake of waiters) wake()
  }

  /** Resolves at the next {@link notify}, after `timeoutMs`, or when `signal` aborts. */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true || timeoutMs <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', wake)
        this.#waiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, timeoutMs)
      signal?.addEventListener('abort', wake, { once: true })
      this.#waiters.add(wake)
    })
  }

  /** Fetches waiting now; for tests and metrics. */
  get waiting(): number {
    return this.#waiters.size
  }
}
