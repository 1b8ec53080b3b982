import type { LedPartition } from '../replica/index.ts'
import type { ConsumerGroup } from './group.ts'

/**
 * The coordinator's state for one `__consumer_offsets` partition at one leader epoch: the
 * groups that live on it, and its replay. A new leader epoch (or a recreated topic) makes a new
 * state; the old one is retired, and appends through it are refused.
 */
export class OffsetsPartition {
  readonly partition: number
  readonly topicId: string
  readonly leaderEpoch: number
  readonly groups = new Map<string, ConsumerGroup>()
  #loading: Promise<void> = Promise.resolve()
  #ready = false
  #failure: unknown
  #retired = false

  constructor(partition: number, led: LedPartition) {
    this.partition = partition
    this.topicId = led.topic.topicId
    this.leaderEpoch = led.state.leaderEpoch
  }

  /** Whether `led` describes the partition this state was made for (same topic, same epoch). */
  matches(led: LedPartition): boolean {
    return led.topic.topicId === this.topicId && led.state.leaderEpoch === this.leaderEpoch
  }

  /** Follows the replay that fills this state. */
  load(replay: Promise<void>): void {
    this.#loading = replay.then(
      () => {
        this.#ready = true
      },
      (error: unknown) => {
        this.#failure = error ?? new Error('load failed')
      },
    )
  }

  /** Whether the replay has finished. */
  get ready(): boolean {
    return this.#ready
  }

  /** Why the replay failed, if it did. */
  get failure(): unknown {
    return this.#failure
  }

  /** Resolves when the replay has ended (either way) or after `timeoutMs`, whichever is first. */
  async wait(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
    })
    await Promise.race([this.#loading, timeout])
    clearTimeout(timer)
  }

  get retired(): boolean {
    return this.#retired
  }

  /** Marks the state as replaced: its appends are refused from now on. */
  retire(): void {
    this.#retired = true
  }

  /** The group with `id`, made by `create` when this partition holds nothing of it yet. */
  group(id: string, create: () => ConsumerGroup): ConsumerGroup {
    let group = this.groups.get(id)
    if (group === undefined) {
      group = create()
      this.groups.set(id, group)
    }
    return group
  }
}
