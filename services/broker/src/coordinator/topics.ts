import {
  ErrorCode,
  isInternalTopic,
  type MetadataImage,
  type TopicPartition,
  TributaryError,
} from '@tributary/core'
import { patternSubscription, type Subscription } from './instance.ts'

/**
 * The topics a group can read, as the broker's metadata image shows them now. Read at every
 * request, so a subscription by pattern takes in topics as they appear, and a topic that gains
 * partitions is assigned anew.
 */
export class TopicView {
  readonly #image: MetadataImage

  constructor(image: MetadataImage) {
    this.#image = image
  }

  /** The partition count of a topic that exists, else undefined. */
  partitionCount(topic: string): number | undefined {
    return this.#image.topic(topic)?.partitions.length
  }

  /** The topics a subscription names that exist now, sorted; a pattern never takes internal topics. */
  resolve(subscription: Subscription): string[] {
    if (subscription.kind === 'topics') {
      return subscription.topics.filter((topic) => this.#image.topic(topic) !== undefined).sort()
    }
    return this.#image.topics
      .map((topic) => topic.name)
      .filter((name) => !isInternalTopic(name) && subscription.regexp.test(name))
      .sort()
  }

  /**
   * A subscription from a subscribe request: its topics must all exist
   * (UNKNOWN_TOPIC_OR_PARTITION naming the first that does not); a pattern must be a valid
   * regular expression, matched against whole names (INVALID_REQUEST otherwise).
   */
  subscription(topics: readonly string[] | null, pattern: string | null): Subscription {
    if ((topics === null) === (pattern === null)) {
      throw new TributaryError(
        ErrorCode.InvalidRequest,
        'subscribe takes either topics or a pattern, not both or neither',
      )
    }
    if (topics !== null) {
      const unknown = topics.find((topic) => this.#image.topic(topic) === undefined)
      if (unknown !== undefined) {
        throw new TributaryError(
          ErrorCode.UnknownTopicOrPartition,
          `cannot subscribe to topic ${unknown}: it does not exist`,
        )
      }
      return { kind: 'topics', topics: [...new Set(topics)].sort() }
    }
    const source = pattern as string
    try {
      return patternSubscription(source)
    } catch (error) {
      throw new TributaryError(
        ErrorCode.InvalidRequest,
        `the subscription pattern ${JSON.stringify(source)} is not a valid regular expression`,
        { cause: error },
      )
    }
  }

  /** Throws UNKNOWN_TOPIC_OR_PARTITION unless every partition exists. */
  checkPartitions(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const count = this.partitionCount(topic)
      if (count === undefined || partition >= count) {
        throw new TributaryError(
          ErrorCode.UnknownTopicOrPartition,
          `cannot assign ${topic}-${partition}: no such partition`,
        )
      }
    }
  }
}
