/**
 * The fault suite's building blocks, for the scenarios here and the consumer-group scenario
 * (test/faults/consumers*): the history and its checker, the gateway client, the workload and
 * its drain, the fault injector, the replica comparison, the round driver, the scenarios and the
 * long form's report.
 */
export {
  ANOMALY_KINDS,
  type AnomalyCounts,
  type AnomalyKind,
  addCounts,
  type CheckResult,
  checkHistory,
  NO_ANOMALIES,
} from './checker/index.ts'
export {
  FAULT_BROKER_ARGS,
  FAULT_CONSUMER_INSTANCE_TIMEOUT_MS,
  FAULT_CONTROLLER_ARGS,
  FAULT_GATEWAY_ARGS,
  FAULT_OFFSETS_GATEWAY_ARGS,
  faultClusterOptions,
} from './cluster-options.ts'
export {
  fullyInSync,
  GatewayClient,
  GatewayError,
  type PartitionView,
  produceOutcomes,
  type TopicSpec,
} from './gateway/index.ts'
export type {
  ConsumerLog,
  DrainedPartition,
  History,
  Observed,
  ProduceOperation,
  ProduceOutcome,
} from './history/index.ts'
export { now } from './history/index.ts'
export { FAULT_BOUND_MS, FaultInjector, type InjectedFault } from './injector/index.ts'
export { compareReplicaLogs, readReplica, replicaDir } from './replicas/index.ts'
export {
  type ConsumersRound,
  formatDetails,
  formatTable,
  isClean,
  isCleanRound,
  type ProduceRound,
  type ReportedKind,
  type RoundError,
  type RoundOutcome,
  type RoundRecord,
  renderLogLine,
  type ScenarioRow,
  type ServiceFailure,
  ServiceWatch,
  summarize,
  TABLE_LEGEND,
} from './report/index.ts'
export {
  checkReplicaContents,
  createTopic,
  expectProgress,
  FAULT_TOPIC_SPEC,
  type RoundContext,
  runRound,
  SCENARIOS,
  type Scenario,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioSteps,
} from './scenarios/index.ts'
export {
  DEFAULT_PRODUCE_TIMEOUT_MS,
  drainTopic,
  startWorkload,
  type Workload,
  type WorkloadOptions,
} from './workload/index.ts'
