import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import {
  HttpControllerClient,
  HttpMetadataReader,
  TcpDataPlaneConnector,
} from '@tributary/cluster-client'
import type { BrokerEndpoint } from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { batchOf, fetchRequest, produceRequest, recordsOf, tempDir } from './helpers.ts'

const controllerMain = fileURLToPath(new URL('../../controller/src/main.ts', import.meta.url))
const brokerMain = fileURLToPath(new URL('../src/main.ts', import.meta.url))

interface Started {
  readonly child: ChildProcess
  /** Every JSON log line so far. */
  readonly lines: Record<string, unknown>[]
  /** The first log line with this message (waiting for it). */
  readonly line: (msg: string) => Promise<Record<string, unknown>>
  readonly exited: Promise<number | null>
}

/** A service's main.ts in a child process, through tsx; SIGKILLed when the test ends if still running. */
function start(script: string, args: string[]): Started {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', script, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const lines: Record<string, unknown>[] = []
  const waiters: (() => void)[] = []
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>)
    } catch {
      return
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const line = async (msg: string) => {
    for (;;) {
      const found = lines.find((entry) => entry.msg === msg)
      if (found !== undefined) return found
      if (child.exitCode !== null) throw new Error(`process exited before logging '${msg}'`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        void exited.then(() => resolve())
      })
    }
  }
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, lines, line, exited }
}

/** Polls until `condition` holds, failing after `timeoutMs` (a bound, not a timing claim). */
async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

interface Health {
  readonly status: string
  readonly fenced: boolean
  readonly leaderPartitions: number
}

async function health(port: unknown): Promise<Health> {
  const response = await fetch(`http://127.0.0.1:${port as number}/health`)
  return (await response.json()) as Health
}

describe('broker main.ts against a controller process', () => {
  it('registers, serves produce and fetch over TCP, keeps data across a restart, deletes topics, stops on SIGTERM', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir()
    const controller = start(controllerMain, [
      '--port=0',
      '--host=127.0.0.1',
      `--data-dir=${join(dir, 'controller')}`,
    ])
    onTestFinished(async () => {
      controller.child.kill('SIGTERM')
      await controller.exited
    })
    const url = `http://127.0.0.1:${(await controller.line('controller listening')).port}`
    const brokerArgs = [
      '--broker-id=1',
      '--port=0',
      '--http-port=0',
      `--controller=${url}`,
      `--data-dir=${join(dir, 'broker')}`,
      '--flush-mode=os',
    ]
    let broker = start(brokerMain, brokerArgs)
    let listening = await broker.line('broker listening')
    // Placement needs an unfenced broker: wait for the heartbeat that unfences it.
    await eventually(async () => !(await health(listening.httpPort)).fenced)
    // It registered its data plane for clients and for replication (the `internal` endpoint).
    const entries = await new HttpMetadataReader({ url }).read(0)
    const registration = entries
      .map((entry) => entry.record)
      .find((r) => r.type === 'register-broker')
    expect(registration).toMatchObject({
      brokerId: 1,
      endpoints: [
        { name: 'client', host: '127.0.0.1', port: listening.port },
        { name: 'internal', host: '127.0.0.1', port: listening.port },
      ],
    })
    const admin = new HttpControllerClient({ url })
    await admin.createTopic({ name: 'events', partitions: 2, replicationFactor: 1 })
    await eventually(async () => (await health(listening.httpPort)).leaderPartitions === 2)

    const connector = new TcpDataPlaneConnector()
    onTestFinished(() => connector.close())
    const endpoint = (port: unknown): BrokerEndpoint => ({
      name: 'client',
      host: '127.0.0.1',
      port: port as number,
    })
    let client = connector.connect(1, endpoint(listening.port))
    for (const partition of [0, 1]) {
      const produced = await client.produce(
        produceRequest('events', batchOf([`p${partition}`]), { partition }),
      )
      expect(produced).toMatchObject({ errorCode: 0, baseOffset: 0 })
    }
    const metrics = await (await fetch(`http://127.0.0.1:${listening.httpPort}/metrics`)).text()
    expect(metrics).toContain('tributary_broker_requests_total{api="produce",error="NONE"} 2')

    broker.child.kill('SIGTERM')
    expect(await broker.exited).toBe(0)
    expect(broker.lines.some((entry) => entry.msg === 'broker stopped')).toBe(true)

    // A new incarnation on the same data: it registers again and serves what was written.
    broker = start(brokerMain, brokerArgs)
    listening = await broker.line('broker listening')
    client = connector.connect(1, endpoint(listening.port))
    await eventually(async () => (await client.fetch(fetchRequest('events', 0))).errorCode === 0)
    for (const partition of [0, 1]) {
      const fetched = await client.fetch(fetchRequest('events', 0, { partition }))
      expect(recordsOf(fetched.records)).toEqual([{ offset: 0, value: `p${partition}` }])
    }

    await admin.deleteTopic('events')
    const partitionDir = join(dir, 'broker', 'broker-1', 'events-0')
    await eventually(() => !existsSync(partitionDir))
    expect((await client.fetch(fetchRequest('events', 0))).errorCode).toBe(3)

    broker.child.kill('SIGTERM')
    expect(await broker.exited).toBe(0)
  })
})
