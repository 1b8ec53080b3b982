/**
 * The long form's report: one row per scenario over its rounds (operations, faults injected,
 * anomalies, violations) as a plain-text table, for scenarios 1–7, and the details worth reading
 * for a round that was not clean or lost a service process.
 */
export { formatDetails, type RoundRecord } from './details.ts'
export {
  type Restartable,
  renderLogLine,
  type ServiceFailure,
  ServiceWatch,
} from './service-failures.ts'
export {
  type ConsumersRound,
  formatTable,
  isClean,
  isCleanRound,
  type ProduceRound,
  type ReportedKind,
  type RoundError,
  type RoundOutcome,
  type ScenarioRow,
  summarize,
  TABLE_LEGEND,
} from './table.ts'
