/**
 * @tributary/node-service: the process lifecycle the Tributary services share on Node. An entry
 * file reads its config (flags, environment, `--help`, exit 2 on bad input), makes its logger,
 * exits on uncaught errors, and stops gracefully on SIGTERM/SIGINT with its own stop sequence.
 * Nothing here reads `process.env` or calls `process.exit` itself: entry files pass them in.
 */
export type {
  ConfigReading,
  ParsedConfig,
  ReadConfigOptions,
  TextSink,
} from './config-reading/index.ts'
export { EXIT_BAD_CONFIG, EXIT_HELP, readConfig } from './config-reading/index.ts'
export type {
  Environment,
  LogLevel,
  ParsedFlags,
  ParseFlagsOptions,
  Setting,
  SettingSchema,
  SettingValue,
  UsageOption,
} from './flags/index.ts'
export {
  clusterIdSchema,
  isLogLevel,
  isNatsServer,
  LOG_LEVELS,
  MAX_PORT,
  natsServersSchema,
  pairNatsSettings,
  parseClusterId,
  parseFlags,
  parseInteger,
  parseNatsServers,
  parsePort,
  settingReader,
  settingsUsageOptions,
  usageText,
} from './flags/index.ts'
export { closeHttpServer, httpUrl } from './http-server/index.ts'
export type { ProcessHooks } from './logging/index.ts'
export { createServiceLogger, EXIT_FAILURE, exitOnUncaughtErrors } from './logging/index.ts'
export type { StopOnSignalsOptions } from './shutdown/index.ts'
export { STOP_SIGNALS, stopOnSignals } from './shutdown/index.ts'
