/**
 * The fault suite's long form (`npm run test:faults`): starts one cluster (see
 * cluster-options.ts), runs several rounds of each scenario 1–6 on it, and prints a table of
 * scenarios, operations, faults injected and anomalies found, then the details of any round that
 * was not clean. Exits 1 if any row is not clean (see report `isClean`).
 *
 *   node --import tsx --conditions=@tributary/source test/faults/main.ts [--rounds=3] [--scenario=NAME]… [--verbose]
 */
import { parseArgs } from 'node:util'
import { startCluster } from '../harness/cluster.ts'
import { faultClusterOptions } from './cluster-options.ts'
import { GatewayClient } from './gateway/index.ts'
import { FaultInjector } from './injector/index.ts'
import { formatTable, isClean, summarize } from './report/index.ts'
import { SCENARIOS, type ScenarioResult } from './scenarios/index.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    scenario: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds must be at least 1')
const chosen = SCENARIOS.filter(
  ({ name }) => values.scenario === undefined || values.scenario.includes(name),
)
if (chosen.length === 0) {
  throw new RangeError(`--scenario must name one of ${SCENARIOS.map(({ name }) => name)}`)
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
const cluster = await startCluster(faultClusterOptions())
process.once('SIGINT', () => {
  void cluster.close().finally(() => process.exit(130))
})
const results: (ScenarioResult | { scenario: string; error: string })[] = []
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
      log(`${name} round ${round + 1}/${rounds}`)
      try {
        results.push(await run(cluster, { round, ...(values.verbose ? { log } : {}) }))
      } catch (error) {
        log(`${name} round ${round}: ${(error as Error).stack}`)
        results.push({ scenario: name, error: (error as Error).message })
        if (!(await healed())) break everyScenario
      }
    }
  }
} finally {
  await cluster.close()
}

const rows = summarize(results)
process.stdout.write(`${formatTable(rows)}\n`)
for (const result of results) {
  if ('error' in result) {
    process.stdout.write(`\n${result.scenario}: error: ${result.error}\n`)
    continue
  }
  const { duplicates: _allowed, ...others } = result.anomalies
  if (result.violations.length === 0 && Object.values(others).every((count) => count === 0)) {
    continue
  }
  process.stdout.write(`\n${result.scenario}:\n`)
  for (const violation of result.violations) process.stdout.write(`  violation: ${violation}\n`)
  for (const check of result.checks) {
    process.stdout.write(`  anomalies: ${JSON.stringify(check.counts)}\n`)
    process.stdout.write(`  examples: ${JSON.stringify(check.examples)}\n`)
  }
}
process.exitCode = rows.every(isClean) ? 0 : 1
