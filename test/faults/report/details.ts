/**
 * The details the long form prints under its table, for each round worth a closer look: one
 * that was not clean (what was violated, the anomalies with examples, the error), or in which a
 * service process failed to start or exited on its own (its last stderr and log lines).
 */
import type { ServiceFailure } from './service-failures.ts'
import { isCleanRound, type RoundOutcome } from './table.ts'

/** One round as the long form ran it. */
export interface RoundRecord {
  /** The number the scenario was given (0 first), which names the round's topic. */
  readonly round: number
  readonly outcome: RoundOutcome
  readonly services: readonly ServiceFailure[]
}

/** How many of scenario 7's anomaly sentences a round shows. */
const CONSUMER_ANOMALIES_SHOWN = 10

/** The round's details, or undefined when it was clean and every service kept running. */
export function formatDetails(record: RoundRecord): string | undefined {
  const { outcome, services } = record
  const clean = isCleanRound(outcome)
  if (clean && services.length === 0) return undefined
  const lines = [`${outcome.scenario} round ${record.round}:`]
  if (!clean) lines.push(...findings(outcome))
  for (const failure of services) {
    lines.push(`  ${failure.service} ${failure.what}`)
    if (failure.stderr.length > 0) lines.push('    stderr:', ...indent(failure.stderr, 6))
    if (failure.log.length > 0) lines.push('    last log lines:', ...indent(failure.log, 6))
    if (failure.stderr.length === 0 && failure.log.length === 0) {
      lines.push('    (no output on stderr or in its log)')
    }
  }
  return lines.join('\n')
}

/** What a round that was not clean found: its error, or its violations and anomalies. */
function findings(outcome: RoundOutcome): string[] {
  if ('error' in outcome) return indent(`error: ${outcome.error.trimEnd()}`)
  const lines = outcome.violations.flatMap((violation) => indent(`violation: ${violation}`))
  if ('checks' in outcome) {
    for (const check of outcome.checks) {
      lines.push(`  anomalies: ${JSON.stringify(check.counts)}`)
      lines.push(`  examples: ${JSON.stringify(check.examples)}`)
    }
    return lines
  }
  lines.push(`  anomalies: ${JSON.stringify(outcome.anomalies)}`)
  const found = outcome.check.anomalies
  for (const anomaly of found.slice(0, CONSUMER_ANOMALIES_SHOWN)) {
    lines.push(`  ${anomaly.kind}: ${anomaly.message}`)
  }
  if (found.length > CONSUMER_ANOMALIES_SHOWN) {
    lines.push(`  … and ${found.length - CONSUMER_ANOMALIES_SHOWN} more`)
  }
  return lines
}

/** `text` (one string, which may hold newlines, or several lines) indented by `by` spaces. */
function indent(text: string | readonly string[], by = 2): string[] {
  const lines = typeof text === 'string' ? text.split('\n') : text
  return lines.map((line) => `${' '.repeat(by)}${line}`)
}
