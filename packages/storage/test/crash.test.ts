import { Buffer } from 'node:buffer'
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createMemoryLogger } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { PartitionLog } from '../src/index.ts'
import { offsetsOf, readAll, runtimeName, tempDir } from './helpers.ts'

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const KILLS = 20

/** The writer runs on the same runtime as the test: Node through tsx, Bun and Deno natively. */
function spawnWriter(dir: string, run: number): ChildProcess {
  const args = {
    node: ['--conditions=@tributary/source', '--import', 'tsx', writer],
    bun: ['--conditions=@tributary/source', writer],
    deno: ['run', '-A', '--conditions=@tributary/source', writer],
  }[runtimeName()]
  return spawn(process.execPath, [...args, dir, String(run)], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** A small seeded generator (mulberry32), so a failing sequence of kills can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Runs the writer until it has acknowledged `acks` appends, then SIGKILLs it (at once, so the
 * kill lands mid-append). Returns every acknowledged offset with the bytes it must have.
 */
function runAndKill(dir: string, run: number, acks: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawnWriter(dir, run)
    const acked = new Map<number, string>()
    let buffered = ''
    let stderr = ''
    let killed = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`writer run ${run} made no progress: ${stderr}`))
    }, 25_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const [kind, offset, bytes] = line.split(' ')
        if (kind === 'ack' && offset !== undefined && bytes !== undefined) {
          acked.set(Number(offset), bytes)
        }
      }
      if (!killed && acked.size >= acks) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal === 'SIGKILL' && killed) resolve(acked)
      else reject(new Error(`writer run ${run} exited (${code ?? signal}) early: ${stderr}`))
    })
  })
}

describe(`crash safety (${runtimeName()})`, () => {
  it(`keeps every acknowledged append across ${KILLS} SIGKILLs`, async () => {
    const seed = Date.now() >>> 0
    const random = seeded(seed)
    const dir = tempDir()
    const acknowledged = new Map<number, string>()
    for (let run = 1; run <= KILLS; run++) {
      const acked = await runAndKill(dir, run, 1 + Math.floor(random() * 60))
      for (const [offset, bytes] of acked) {
        const earlier = acknowledged.get(offset)
        if (earlier !== undefined && earlier !== bytes) {
          throw new Error(`seed ${seed}, run ${run}: offset ${offset} acknowledged twice`)
        }
        acknowledged.set(offset, bytes)
      }

      const log = await PartitionLog.open({ dir, logger: createMemoryLogger() })
      try {
        const batches = readAll(log)
        const offsets = offsetsOf(batches)
        const context = `seed ${seed}, after kill ${run}`
        expect(offsets, context).toEqual(
          Array.from(
            { length: log.logEndOffset - log.logStartOffset },
            (_, i) => log.logStartOffset + i,
          ),
        )
        const stored = new Map(
          batches.map((batch) => [offsetsOf([batch])[0], Buffer.from(batch).toString('base64')]),
        )
        for (const [offset, bytes] of acknowledged) {
          expect(stored.get(offset), `${context}: offset ${offset}`).toBe(bytes)
        }
        expect(log.highWatermark).toBeLessThanOrEqual(log.logEndOffset)
      } finally {
        await log.close()
      }
    }
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILLS)
  }, 120_000)
})
