import {
  describeTopicConfig,
  isTopicConfigName,
  parseTopicConfigs,
  type TopicConfigName,
  type TopicState,
} from '@tributary/core'

/**
 * A topic's effective configs as Kafka's DescribeConfigs reports them: the topic's override, else
 * the cluster-wide value under the same name (a cluster config record, which Kafka would call a
 * dynamic default broker config), else Kafka's static default. Brokers resolve the values they
 * enforce in the same order, so what the API shows is what a produce meets.
 */

/** Where a value comes from, under Kafka's `ConfigSource` names. */
export type TopicConfigSource =
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'

/** One layer that sets a config. */
export interface TopicConfigSynonym {
  readonly name: TopicConfigName
  readonly value: string
  readonly source: TopicConfigSource
}

/** A config's effective value, where it comes from, and every layer that sets it. */
export interface EffectiveTopicConfig {
  readonly name: TopicConfigName
  readonly value: string
  readonly source: TopicConfigSource
  /** True only for Kafka's static default, as Kafka sets `isDefault`. */
  readonly isDefault: boolean
  /** Most specific first, the effective one included, as Kafka lists them. */
  readonly synonyms: readonly TopicConfigSynonym[]
}

const staticDefaults = describeTopicConfig()

/** Every config of a topic with its effective value and the layers under it. */
export function topicConfigEntries(
  topic: TopicState,
  clusterConfigs: Readonly<Record<string, string>>,
): EffectiveTopicConfig[] {
  const layers: readonly [TopicConfigSource, ReadonlyMap<string, string>][] = [
    ['DYNAMIC_TOPIC_CONFIG', validValues(topic.configs)],
    ['DYNAMIC_DEFAULT_BROKER_CONFIG', validValues(clusterConfigs)],
  ]
  return staticDefaults.map(({ name, value: staticValue }) => {
    const synonyms: TopicConfigSynonym[] = []
    for (const [source, values] of layers) {
      const value = values.get(name)
      if (value !== undefined) synonyms.push({ name, value, source })
    }
    synonyms.push({ name, value: staticValue, source: 'DEFAULT_CONFIG' })
    // The static default always closes the list, so there is a first synonym.
    const effective = synonyms[0] as TopicConfigSynonym
    return {
      name,
      value: effective.value,
      source: effective.source,
      isDefault: effective.source === 'DEFAULT_CONFIG',
      synonyms,
    }
  })
}

/**
 * The topic configs among `configs`, in their canonical form. A value the image holds but that
 * does not parse (the controller validates, so only a damaged log has one) is left out alone,
 * rather than hiding the valid ones beside it; names that are not topic configs (such as the
 * cluster's `default.replication.factor`) are not shown on topics.
 */
function validValues(configs: Readonly<Record<string, string>>): Map<string, string> {
  const values = new Map<string, string>()
  for (const [name, raw] of Object.entries(configs)) {
    if (!isTopicConfigName(name)) continue
    try {
      const described = describeTopicConfig(parseTopicConfigs({ [name]: raw }))
      const entry = described.find((candidate) => candidate.name === name)
      if (entry !== undefined) values.set(name, entry.value)
    } catch {
      // Skipped, as the comment above says.
    }
  }
  return values
}
