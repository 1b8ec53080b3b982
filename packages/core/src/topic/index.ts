export type {
  CleanupPolicy,
  MessageTimestampType,
  TopicConfig,
  TopicConfigEntry,
  TopicConfigName,
} from './config.ts'
export {
  defaultTopicConfig,
  describeTopicConfig,
  formatTopicConfigs,
  isTopicConfigName,
  parseTopicConfigs,
  resolveTopicConfig,
  topicConfigDefinitions,
} from './config.ts'
export {
  isValidTopicName,
  MAX_TOPIC_NAME_LENGTH,
  topicCollisionKey,
  validateTopicName,
} from './name.ts'
