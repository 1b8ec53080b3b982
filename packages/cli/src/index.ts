/**
 * @tributary/cli: the `tributary` command. Its parts are usable on their own: the REST client
 * of the gateway, the dispatcher, and the pure formatters the commands print with.
 */
export type { Command, CommandContext } from './command/index.ts'
export type { ConsoleConsumerOptions, RecordFormat } from './console-consumer/index.ts'
export {
  DEFAULT_RECORD_FORMAT,
  formatRecord,
  parseConsoleConsumerArgs,
} from './console-consumer/index.ts'
export type { ConsoleProducerOptions, LineFormat } from './console-producer/index.ts'
export { parseConsoleProducerArgs, parseLine } from './console-producer/index.ts'
export type {
  ConsumerGroupsOptions,
  GroupDescription,
  GroupOffsetRow,
} from './consumer-groups/index.ts'
export {
  formatGroupDescription,
  formatResetPlan,
  parseConsumerGroupsArgs,
} from './consumer-groups/index.ts'
export type { CliErrorCode as CliErrorCodeType, CliErrorOptions } from './errors/index.ts'
export {
  BadResponseError,
  CliError,
  CliErrorCode,
  formatError,
  PartialFailureError,
  ServerError,
  UnreachableError,
  UsageError,
} from './errors/index.ts'
export type { Io, TextSink } from './io/index.ts'
export { createProcessIo } from './io/index.ts'
export type { MainOptions } from './main/index.ts'
export { COMMANDS, main } from './main/index.ts'
export type { LatencySummary } from './perf-stats/index.ts'
export { formatSummary, LatencyRecorder } from './perf-stats/index.ts'
export type { FetchFn, RestClient, RestClientOptions } from './rest/index.ts'
export { createRestClient } from './rest/index.ts'
export type { TopicDescription, TopicsOptions } from './topics/index.ts'
export { formatDescription, parseTopicsArgs } from './topics/index.ts'
