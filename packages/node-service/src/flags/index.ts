export type { NatsSettings } from './nats.ts'
export {
  clusterIdSchema,
  isNatsServer,
  natsServersSchema,
  pairNatsSettings,
  parseClusterId,
  parseNatsServers,
} from './nats.ts'
export type { ParsedFlags, ParseFlagsOptions } from './parse-flags.ts'
export { parseFlags } from './parse-flags.ts'
export type { Environment, Setting, SettingSchema, SettingValue } from './settings.ts'
export { settingReader } from './settings.ts'
export type { UsageOption } from './usage.ts'
export { settingsUsageOptions, usageText } from './usage.ts'
export type { LogLevel } from './values.ts'
export { isLogLevel, LOG_LEVELS, MAX_PORT, parseInteger, parsePort } from './values.ts'
