import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fmtMs, fmtRate } from './load.ts'
import { startTributary, tempDir } from './processes.ts'
import { summarizeProfile } from './profile-summary.ts'
import { produceBody, TributaryClient } from './tributary.ts'

const PROFILE_MS = Number(process.env.BENCH_PROFILE_MS ?? 8000)
const VALUE_BYTES = Number(process.env.BENCH_PROFILE_VALUE_BYTES ?? 100)
const RECORDS = Number(process.env.BENCH_PROFILE_RECORDS ?? 100)

/**
 * Runs combined mode under `--cpu-prof`, drives 100 B × 100 records/request binary produce at it
 * (BENCH_PROFILE_VALUE_BYTES, BENCH_PROFILE_RECORDS),
 * stops it with SIGTERM (so the profile is written) and prints the top self-time functions.
 */
export async function runProfile(connections: number, partitions: number): Promise<void> {
  const profileDir = process.env.BENCH_PROFILE_DIR ?? tempDir('profile')
  const spawned = performance.now()
  const { server, url } = await startTributary(['--cpu-prof', `--cpu-prof-dir=${profileDir}`])
  const client = new TributaryClient(url, connections)
  let loadStartMs = 0
  try {
    await client.createTopic('bench-profile', partitions)
    loadStartMs = performance.now() - spawned
    const body = produceBody(VALUE_BYTES, RECORDS, 'binary')
    const sample = await client.produce(
      { concurrency: connections, warmupMs: 500, measureMs: PROFILE_MS, valueBytes: VALUE_BYTES },
      'bench-profile',
      body,
      RECORDS,
      'binary',
    )
    console.log(
      `profiled run: ${fmtRate(sample.recordsPerSec)} rec/s, p50 ${fmtMs(sample.p50Ms)} ms, ` +
        `p99 ${fmtMs(sample.p99Ms)} ms per request (the profiler slows the server)`,
    )
  } finally {
    await client.close()
    const code = await server.stop()
    if (code !== 0) console.error(`combined mode exited with ${code}`)
  }
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))
  if (files.length === 0) throw new Error(`no .cpuprofile in ${profileDir}`)
  // One profile per thread; the main thread's (the largest) is the one that serves requests.
  const main = files
    .map((file) => join(profileDir, file))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0] as string
  console.log(`\n${summarizeProfile(main, 30, Math.round(loadStartMs))}`)
}
