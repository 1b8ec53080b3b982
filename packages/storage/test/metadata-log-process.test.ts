import type { Buffer } from 'node:buffer'
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { MetadataLogEntry } from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '../src/index.ts'
import { runtimeName, tempDir } from './helpers.ts'
import { QUIET_MS, within } from './metadata-log-election-contract.ts'

const child = fileURLToPath(new URL('./metadata-log-child.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const LEASE_MS = 1_500

/** The child runs on the same runtime as the test: Node through tsx, Bun and Deno natively. */
function spawnChild(dir: string, candidateId: string): ChildProcess {
  const args = {
    node: ['--conditions=@tributary/source', '--import', 'tsx', child],
    bun: ['--conditions=@tributary/source', child],
    deno: ['run', '-A', '--conditions=@tributary/source', child],
  }[runtimeName()]
  const childProcess = spawn(process.execPath, [...args, dir, candidateId, String(LEASE_MS)], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onTestFinished(() => {
    childProcess.kill('SIGKILL')
  })
  return childProcess
}

/** Resolves with the first stdout line starting with `prefix`; rejects if the child exits first. */
function lineFrom(childProcess: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    childProcess.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    childProcess.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const line = stdout.split('\n').find((text) => text.startsWith(prefix))
      if (line !== undefined) resolve(line)
    })
    childProcess.on('exit', (code) =>
      reject(new Error(`child exited (${code}): ${stdout}${stderr}`)),
    )
  })
}

describe(`embedded metadata across processes (${runtimeName()})`, () => {
  it('a controller in another process holds the lease until it dies; its appends are followed', async () => {
    const dir = tempDir()
    // Following before the child exists: its appends can reach this process only by the poll.
    const log = await EmbeddedMetadataLog.open({ dir, pollIntervalMs: 20 })
    onTestFinished(() => log.close())
    const entries: MetadataLogEntry[] = []
    log.follow(0, (entry) => entries.push(entry))
    const other = spawnChild(dir, 'other')
    expect(await within(lineFrom(other, 'appended'), 'the child appending')).toBe('appended 1 1')

    const election = await EmbeddedControllerElection.open({ dir, leaseMs: LEASE_MS })
    onTestFinished(() => election.close())
    const pending = election.campaign('here')
    pending.catch(() => {})

    // Two leases long: the child keeps renewing, so this process must not become leader.
    let won = false
    void pending.then(() => {
      won = true
    })
    await new Promise((resolve) => setTimeout(resolve, Math.max(QUIET_MS, 2 * LEASE_MS)))
    expect(won).toBe(false)
    await vi.waitFor(() => expect(entries).toHaveLength(2), { timeout: 10_000, interval: 10 })
    expect(
      entries.map((entry) => [entry.offset, entry.controllerEpoch, entry.record.type]),
    ).toEqual([
      [0, 1, 'cluster'],
      [1, 1, 'no-op'],
    ])

    other.kill('SIGKILL')
    const leadership = await within(pending, 'takeover after the child died')
    expect(leadership.controllerEpoch).toBe(2)
    expect(
      await log.append([{ type: 'no-op' }], { controllerEpoch: 2, expectedLastOffset: 1 }),
    ).toBe(2)
  })
})
