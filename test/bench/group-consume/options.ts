import { parseArgs } from 'node:util'
import { SYSTEMS, type SystemName } from './systems.ts'

/**
 * `npm run bench:groups -- [flags]`: the knobs, each a flag with an environment fallback
 * (BENCH_GROUPS_<NAME>), so a quick run and a long one need no edit.
 */

/** One run's settings. */
export interface BenchOptions {
  /** Records pre-produced to each system, and consumed in each measurement. */
  readonly records: number
  readonly valueBytes: number
  /** Partitions of the Tributary topic. */
  readonly partitions: number
  readonly rounds: number
  /** Consumer counts measured (one group of that many members each). */
  readonly consumers: readonly number[]
  /** The systems measured (default all three). */
  readonly systems: readonly SystemName[]
  /** Tributary `max_bytes` per records GET. */
  readonly maxBytes: number
  /** Tributary `timeout` per records GET (the gateway may cap it lower). */
  readonly pollTimeoutMs: number
  /** Messages per JetStream pull batch and per Redis XREADGROUP COUNT. */
  readonly peerBatch: number
  /** A measurement that has not finished by then fails (a hung system does not hang the run). */
  readonly measureTimeoutMs: number
  readonly settleMs: number
  readonly seed: number
  /** Instead of comparing: CPU-profile combined mode while it serves the consumers. */
  readonly profile: boolean
}

/** What `--help` prints. */
export const USAGE = `Usage: npm run bench:groups -- [options]

Group consumption over HTTP (Tributary v2 consumer instances) against a NATS JetStream
durable pull consumer and Redis XREADGROUP, same run, same machine.

Options (environment fallback in brackets):
  --records <n>          records per system (default 200000) [BENCH_GROUPS_RECORDS]
  --value-bytes <n>      value size (default 100) [BENCH_GROUPS_VALUE_BYTES]
  --partitions <n>       Tributary topic partitions (default 4) [BENCH_GROUPS_PARTITIONS]
  --rounds <n>           interleaved rounds, medians reported (default 5) [BENCH_GROUPS_ROUNDS]
  --consumers <list>     consumer counts (default 1,4) [BENCH_GROUPS_CONSUMERS]
  --systems <list>       of tributary,jetstream,redis (default all) [BENCH_GROUPS_SYSTEMS]
  --max-bytes <n>        Tributary max_bytes per poll (default 4194304) [BENCH_GROUPS_MAX_BYTES]
  --poll-timeout-ms <n>  Tributary timeout per poll (default 1000) [BENCH_GROUPS_POLL_TIMEOUT_MS]
  --peer-batch <n>       JetStream pull batch / Redis COUNT (default 1000) [BENCH_GROUPS_PEER_BATCH]
  --quick                records 50000, 1 round
  --profile              instead: CPU-profile combined mode while --consumers' first count
                         consumes the topic --rounds times; print its top functions
  -h, --help             print this help
`

const flags = {
  records: { type: 'string' },
  'value-bytes': { type: 'string' },
  partitions: { type: 'string' },
  rounds: { type: 'string' },
  consumers: { type: 'string' },
  systems: { type: 'string' },
  'max-bytes': { type: 'string' },
  'poll-timeout-ms': { type: 'string' },
  'peer-batch': { type: 'string' },
  quick: { type: 'boolean' },
  profile: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const positiveInteger = (name: string, raw: string): number => {
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer, not '${raw}'`)
  }
  return value
}

/** The options from argv and the environment; undefined when --help was asked. */
export const parseBenchOptions = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): BenchOptions | undefined => {
  const { values } = parseArgs({ args: [...argv], options: flags, strict: true })
  if (values.help) return undefined
  const quick = values.quick === true || env.BENCH_GROUPS_QUICK === '1'
  const pick = (name: keyof typeof flags & string, fallback: number): number => {
    const raw = values[name] ?? env[`BENCH_GROUPS_${name.toUpperCase().replaceAll('-', '_')}`]
    return typeof raw === 'string' ? positiveInteger(name, raw) : fallback
  }
  const consumersRaw = values.consumers ?? env.BENCH_GROUPS_CONSUMERS ?? '1,4'
  const systemsRaw = values.systems ?? env.BENCH_GROUPS_SYSTEMS ?? SYSTEMS.join(',')
  const systems = systemsRaw.split(',').map((name) => {
    const system = SYSTEMS.find((known) => known === name.trim())
    if (system === undefined) throw new Error(`--systems: unknown system '${name}'`)
    return system
  })
  return {
    systems,
    records: pick('records', quick ? 50_000 : 200_000),
    valueBytes: pick('value-bytes', 100),
    partitions: pick('partitions', 4),
    rounds: pick('rounds', quick ? 1 : 5),
    consumers: consumersRaw.split(',').map((n) => positiveInteger('consumers', n.trim())),
    maxBytes: pick('max-bytes', 4 * 1024 * 1024),
    pollTimeoutMs: pick('poll-timeout-ms', 1000),
    peerBatch: pick('peer-batch', 1000),
    measureTimeoutMs: 120_000,
    settleMs: 200,
    seed: Number(env.BENCH_SEED ?? 42),
    profile: values.profile === true,
  }
}
