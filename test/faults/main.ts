/**
 * The fault suite's long form (`npm run test:faults`): starts one cluster (see
 * cluster-options.ts), runs several rounds of each scenario on it (1–6 from scenarios/, then 7,
 * `consumers`, from consumers.ts), and prints a table of scenarios, operations, faults injected
 * and anomalies found, then the details of every round that was not clean or in which a service
 * process failed to start or exited on its own. Exits 1 if any row is not clean (report `isClean`).
 *
 *   node --import tsx --conditions=@tributary/source test/faults/main.ts [--rounds=3] [--scenario=NAME]… [--verbose]
 */
import { parseArgs } from 'node:util'
import { type Cluster, startCluster } from '../harness/cluster.ts'
import { faultClusterOptions } from './cluster-options.ts'
import { CONSUMERS_SCENARIO, runConsumersRound } from './consumers.ts'
import { GatewayClient } from './gateway/index.ts'
import { FaultInjector } from './injector/index.ts'
import {
  formatDetails,
  formatTable,
  isClean,
  type RoundOutcome,
  type RoundRecord,
  ServiceWatch,
  summarize,
  TABLE_LEGEND,
} from './report/index.ts'
import { SCENARIOS } from './scenarios/index.ts'

/** One round of a scenario on the running cluster, which it leaves healed. */
type RunRound = (
  cluster: Cluster,
  options: { readonly round: number; readonly log?: (line: string) => void },
) => Promise<RoundOutcome>

/** Scenarios 1–7 by name, in the order. */
const RUNS: readonly { readonly name: string; readonly run: RunRound }[] = [
  ...SCENARIOS,
  { name: CONSUMERS_SCENARIO, run: runConsumersRound },
]

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    scenario: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds must be at least 1')
const chosen = RUNS.filter(
  ({ name }) => values.scenario === undefined || values.scenario.includes(name),
)
if (chosen.length === 0) {
  throw new RangeError(`--scenario must name one of ${RUNS.map(({ name }) => name)}`)
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
const cluster = await startCluster(faultClusterOptions())
process.once('SIGINT', () => {
  void cluster.close().finally(() => process.exit(130))
})
const watch = ServiceWatch.of(cluster)
const records: RoundRecord[] = []
/** After a round that threw: every process back, or false when the cluster cannot be healed. */
const healed = async () => {
  try {
    await new FaultInjector(cluster, new GatewayClient(cluster.gateways[0] as string)).heal()
    return true
  } catch (error) {
    log(`the cluster cannot be healed, no more rounds: ${(error as Error).message}`)
    return false
  }
}
try {
  everyScenario: for (const { name, run } of chosen) {
    for (let round = 0; round < rounds; round++) {
      log(`${name} round ${round} (${round + 1} of ${rounds})`)
      let outcome: RoundOutcome
      let healthy = true
      try {
        outcome = await run(cluster, { round, ...(values.verbose ? { log } : {}) })
      } catch (error) {
        log(`${name} round ${round}: ${(error as Error).stack}`)
        outcome = { scenario: name, error: (error as Error).message }
        healthy = await healed()
      }
      records.push({ round, outcome, services: watch.take() })
      if (!healthy) break everyScenario
    }
  }
} finally {
  await cluster.close()
}

const rows = summarize(records.map(({ outcome }) => outcome))
process.stdout.write(`${formatTable(rows)}\n\n${TABLE_LEGEND}\n`)
for (const record of records) {
  const details = formatDetails(record)
  if (details !== undefined) process.stdout.write(`\n${details}\n`)
}
process.exitCode = rows.every(isClean) ? 0 : 1
