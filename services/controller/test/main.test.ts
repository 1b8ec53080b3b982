import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { HttpControllerClient, HttpMetadataReader } from '@tributary/cluster-client'
import { describe, expect, it, onTestFinished } from 'vitest'
import { eventually, tempDir } from './harness.ts'

const main = new URL('../src/main.ts', import.meta.url).pathname

interface Running {
  readonly child: ChildProcess
  /** Every JSON log line so far. */
  readonly lines: Record<string, unknown>[]
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

/** main.ts as a child process, run from source through tsx; killed if the test leaves it running. */
function runMain(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', main, ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const lines: Record<string, unknown>[] = []
  let stderr = ''
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      lines.push({ text: line })
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, lines, stderr: () => stderr, exited }
}

/** Waits for the "listening" line and answers the URL it names. */
async function listening(running: Running): Promise<string> {
  let url: string | undefined
  await eventually(() => {
    const line = running.lines.find((l) => l.msg === 'controller listening')
    url = typeof line?.port === 'number' ? `http://127.0.0.1:${line.port}` : undefined
    if (running.child.exitCode !== null) throw new Error(`exited: ${running.stderr()}`)
    return url !== undefined
  }, 20_000)
  return url as string
}

async function health(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/health`)
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

describe('controller main.ts', () => {
  it('serves, keeps its metadata under <data-dir>/controller, and stops on SIGTERM with 0', async () => {
    const dataDir = tempDir()
    const first = runMain(['--port', '0', '--data-dir', dataDir, '--node-id', 'c-test'])
    const url = await listening(first)
    await eventually(async () => (await health(url)).active === true)
    expect(existsSync(join(dataDir, 'controller', 'metadata.sqlite'))).toBe(true)

    const client = new HttpControllerClient({ url })
    const { brokerEpoch, metadataOffset } = await client.registerBroker({
      brokerId: 1,
      incarnationId: 'x',
      endpoints: [{ name: 'client', host: '127.0.0.1', port: 9092 }],
    })
    await client.brokerHeartbeat({ brokerId: 1, brokerEpoch, metadataOffset })
    await client.createTopic({ name: 'kept', partitions: 2, replicationFactor: 1 })
    const before = (await (await fetch(`${url}/v1/metadata?from=0`)).json()) as {
      entries: { record: { type: string } }[]
    }

    // A long-poll in flight must not hold the stop up.
    const poll = fetch(`${url}/v1/metadata?from=1000&wait=60000`).then(
      (response) => response.status,
      () => 'connection closed',
    )
    await eventually(async () => {
      const text = await (await fetch(`${url}/metrics`)).text()
      return /^tributary_controller_metadata_long_polls 1$/m.test(text)
    })
    // So must a follower polling in a loop on a keep-alive connection.
    const follow = new HttpMetadataReader({ url, pollWaitMs: 100, retryMaxMs: 100 }).follow(
      0,
      () => {},
      () => {},
    )
    onTestFinished(() => follow.close())
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(await poll).toBe(200)
    expect(first.lines.map((l) => l.msg)).toContain('stopped')

    const second = runMain([], {
      TRIBUTARY_DATA_DIR: dataDir,
      CONTROLLER_PORT: '0',
      CONTROLLER_ID: 'c-again',
      CONTROLLER_DEFAULT_REPLICATION_FACTOR: '3',
      CONTROLLER_MIN_INSYNC_REPLICAS: '2',
    })
    const again = await listening(second)
    await eventually(async () => (await health(again)).active === true)
    const after = (await (await fetch(`${again}/v1/metadata?from=0`)).json()) as typeof before
    expect(after.entries.slice(0, before.entries.length)).toEqual(before.entries)
    expect(after.entries.filter((e) => e.record.type === 'cluster')).toHaveLength(1)
    // The cluster defaults it was started with, written as it took up its term.
    expect(after.entries.filter((e) => e.record.type === 'config').map((e) => e.record)).toEqual(
      [
        ['default.replication.factor', '3'],
        ['min.insync.replicas', '2'],
      ].map(([name, value]) => ({
        type: 'config',
        resourceType: 'cluster',
        resourceName: '',
        name,
        value,
      })),
    )
    second.child.kill('SIGINT')
    expect(await second.exited).toBe(0)
  })

  it('prints usage for --help, and refuses a bad flag with exit 2', async () => {
    const help = runMain(['--help'])
    const bad = runMain(['--port', 'ninety'])
    const unknown = runMain(['--colour', 'blue'])
    expect(await help.exited).toBe(0)
    const usage = help.lines.map((l) => l.text).join('\n')
    expect(usage).toMatch(/--node-id\s+CONTROLLER_ID/)
    expect(usage).toMatch(/--default-replication-factor\s+CONTROLLER_DEFAULT_REPLICATION_FACTOR/)
    expect(usage).toMatch(/--min-insync-replicas\s+CONTROLLER_MIN_INSYNC_REPLICAS/)
    expect(await bad.exited).toBe(2)
    expect(bad.stderr()).toMatch(/--port=ninety/)
    expect(await unknown.exited).toBe(2)
    expect(unknown.stderr()).toMatch(/colour/)
  })
})
