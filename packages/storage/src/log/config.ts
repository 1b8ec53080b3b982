import { defaultTopicConfig, InvalidConfigError, type TopicConfig } from '@tributary/core'

/**
 * How an append is made durable: 'fsync' commits with `synchronous=FULL` (the WAL is fsynced
 * before the commit returns, so an acknowledged write survives power loss); 'os' with
 * `synchronous=NORMAL` (it survives a process crash; the OS flushes it later).
 */
export type FlushMode = 'fsync' | 'os'

/** The topic configs the log itself acts on, plus its own knobs. */
export interface LogConfig
  extends Pick<
    TopicConfig,
    | 'segmentBytes'
    | 'segmentMs'
    | 'retentionMs'
    | 'retentionBytes'
    | 'maxMessageBytes'
    | 'messageTimestampType'
  > {
  readonly flushMode: FlushMode
  /** How many of the newest batches recovery checks (CRC, header, continuity) on open. */
  readonly recoveryBatches: number
}

/** What `PartitionLog.open` accepts: any part of a topic's config, and the log's own knobs. */
export type LogConfigInput = Partial<TopicConfig> & Partial<LogConfig>

export const DEFAULT_FLUSH_MODE: FlushMode = 'fsync'
export const DEFAULT_RECOVERY_BATCHES = 100

export const defaultLogConfig: LogConfig = {
  segmentBytes: defaultTopicConfig.segmentBytes,
  segmentMs: defaultTopicConfig.segmentMs,
  retentionMs: defaultTopicConfig.retentionMs,
  retentionBytes: defaultTopicConfig.retentionBytes,
  maxMessageBytes: defaultTopicConfig.maxMessageBytes,
  messageTimestampType: defaultTopicConfig.messageTimestampType,
  flushMode: DEFAULT_FLUSH_MODE,
  recoveryBatches: DEFAULT_RECOVERY_BATCHES,
}

const logKeys = new Set<string>(Object.keys(defaultLogConfig))
const topicKeys = new Set<string>(Object.keys(defaultTopicConfig))

/**
 * Fills in defaults and checks values. Topic configs the log does not act on (min ISR, cleanup
 * policy …) are accepted and ignored, so a broker can pass a topic's whole config; any other key
 * is refused.
 */
export function resolveLogConfig(input: LogConfigInput = {}): LogConfig {
  for (const key of Object.keys(input)) {
    if (!logKeys.has(key) && !topicKeys.has(key)) {
      throw new InvalidConfigError(`unknown partition log config '${key}'`)
    }
  }
  const config: LogConfig = {
    segmentBytes: input.segmentBytes ?? defaultLogConfig.segmentBytes,
    segmentMs: input.segmentMs ?? defaultLogConfig.segmentMs,
    retentionMs: input.retentionMs ?? defaultLogConfig.retentionMs,
    retentionBytes: input.retentionBytes ?? defaultLogConfig.retentionBytes,
    maxMessageBytes: input.maxMessageBytes ?? defaultLogConfig.maxMessageBytes,
    messageTimestampType: input.messageTimestampType ?? defaultLogConfig.messageTimestampType,
    flushMode: input.flushMode ?? defaultLogConfig.flushMode,
    recoveryBatches: input.recoveryBatches ?? defaultLogConfig.recoveryBatches,
  }
  positive('segmentBytes', config.segmentBytes)
  positive('segmentMs', config.segmentMs)
  positive('maxMessageBytes', config.maxMessageBytes)
  positive('recoveryBatches', config.recoveryBatches)
  unlimitedOrAtLeast0('retentionMs', config.retentionMs)
  unlimitedOrAtLeast0('retentionBytes', config.retentionBytes)
  if (config.flushMode !== 'fsync' && config.flushMode !== 'os') {
    throw new InvalidConfigError(`flushMode must be 'fsync' or 'os', got '${config.flushMode}'`)
  }
  if (
    config.messageTimestampType !== 'CreateTime' &&
    config.messageTimestampType !== 'LogAppendTime'
  ) {
    throw new InvalidConfigError(
      `messageTimestampType must be CreateTime or LogAppendTime, got '${config.messageTimestampType}'`,
    )
  }
  return config
}

function positive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidConfigError(`${name} must be a positive integer, got ${value}`)
  }
}

function unlimitedOrAtLeast0(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < -1) {
    throw new InvalidConfigError(`${name} must be -1 (unlimited) or at least 0, got ${value}`)
  }
}
