import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fmtRate } from '../http-produce/load.ts'
import { startTributary, tempDir } from '../http-produce/processes.ts'
import { summarizeProfile } from '../http-produce/profile-summary.ts'
import type { BenchOptions } from './options.ts'
import { TributaryGroups } from './tributary.ts'

/**
 * `--profile`: runs combined mode under `--cpu-prof`, fills the topic, then consumes it
 * `rounds` times with the first consumer count (the measured window starts after the fill),
 * stops it with SIGTERM so the profile is written, and prints the top self-time functions:
 * where a consuming gateway spends its time.
 */
export async function runProfile(options: BenchOptions): Promise<void> {
  const profileDir = process.env.BENCH_PROFILE_DIR ?? tempDir('profile')
  const spawned = performance.now()
  const { server, url } = await startTributary(['--cpu-prof', `--cpu-prof-dir=${profileDir}`])
  const trib = new TributaryGroups(url, 'bench-profile', options.partitions)
  const consumers = options.consumers[0] ?? 1
  let loadStartMs = 0
  try {
    await trib.fill(options.records, options.valueBytes)
    loadStartMs = performance.now() - spawned
    for (let round = 0; round < options.rounds; round++) {
      const sample = await trib.consume(
        {
          group: `profile-${round}`,
          consumers,
          maxBytes: options.maxBytes,
          pollTimeoutMs: options.pollTimeoutMs,
        },
        options.valueBytes,
      )
      console.log(
        `profiled consumption ${round + 1}: ${fmtRate(sample.recordsPerSec)} rec/s with ` +
          `${consumers} consumer(s) (the profiler slows the server)`,
      )
    }
  } finally {
    await trib.close()
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
