/**
 * Tributary as separate service processes, each its own `main.ts` run from the sources: one
 * controller (embedded metadata log), brokers and gateways, on free ports in a temp directory.
 * Every process is SIGKILLed by `close` if it is still running.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const root = resolve(import.meta.dirname, '..', '..')
const mains = {
  controller: join(root, 'services', 'controller', 'src', 'main.ts'),
  broker: join(root, 'services', 'broker', 'src', 'main.ts'),
  gateway: join(root, 'services', 'gateway', 'src', 'main.ts'),
}

export interface ServiceProcess {
  readonly child: ChildProcess
  /** Every JSON log line so far. */
  readonly lines: Record<string, unknown>[]
  /** The first log line with this message, waiting for it (rejects if the process exits). */
  line(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>
  readonly exited: Promise<number | null>
}

/** A service's main.ts in a child process: Node with tsx as a loader, so signals reach it. */
export function startService(
  service: keyof typeof mains,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', mains[service], ...args],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
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
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const line = async (msg: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = lines.find((entry) => entry.msg === msg)
      if (found !== undefined) return found
      if (child.exitCode !== null || child.signalCode !== null) {
        // Services log their fatal errors as JSON on stdout: the last lines say why.
        const last = lines.slice(-5).map((entry) => JSON.stringify(entry))
        throw new Error(
          `${service} exited before logging '${msg}':\n${[...last, stderr].join('\n')}`,
        )
      }
      if (Date.now() > deadline)
        throw new Error(`${service} did not log '${msg}' in ${timeoutMs} ms`)
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, 200)
        waiters.push(() => {
          clearTimeout(timer)
          wake()
        })
      })
    }
  }
  return { child, lines, line, exited }
}

export interface ServiceCluster {
  readonly dir: string
  readonly controllerUrl: string
  /** Base URLs of the gateways. */
  readonly gateways: readonly string[]
  close(): Promise<void>
}

/**
 * A controller, one broker and `gateways` gateways, each a process; resolves once every gateway
 * answers /health with ok and the broker is unfenced.
 */
export async function startServices(
  options: {
    gateways?: number
    brokerArgs?: readonly string[]
    gatewayArgs?: readonly string[]
  } = {},
): Promise<ServiceCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-services-'))
  const processes: ServiceProcess[] = []
  const close = async () => {
    for (const started of processes.reverse()) {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGKILL')
      }
      await started.exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const controller = startService(
      'controller',
      ['--port=0', '--host=127.0.0.1', `--data-dir=${join(dir, 'controller')}`],
      { LOG_LEVEL: 'info' },
    )
    processes.push(controller)
    const controllerUrl = `http://127.0.0.1:${(await controller.line('controller listening')).port}`
    const broker = startService(
      'broker',
      [
        '--broker-id=1',
        '--port=0',
        '--http-port=0',
        `--controller=${controllerUrl}`,
        `--data-dir=${join(dir, 'broker')}`,
        '--flush-mode=os',
        ...(options.brokerArgs ?? []),
      ],
      { LOG_LEVEL: 'info' },
    )
    processes.push(broker)
    const listening = await broker.line('broker listening')
    await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${listening.httpPort as number}/health`)
      const health = (await response.json()) as { fenced: boolean }
      return !health.fenced
    }, 'broker unfenced')
    const gateways: string[] = []
    for (let i = 0; i < (options.gateways ?? 1); i++) {
      const gateway = startService(
        'gateway',
        [
          '--port=0',
          '--host=127.0.0.1',
          `--controller=${controllerUrl}`,
          ...(options.gatewayArgs ?? []),
        ],
        { LOG_LEVEL: 'info' },
      )
      processes.push(gateway)
      const url = (await gateway.line('gateway listening')).url as string
      await waitFor(async () => (await fetch(`${url}/health`)).status === 200, 'gateway ready')
      gateways.push(url)
    }
    return { dir, controllerUrl, gateways, close }
  } catch (error) {
    await close()
    throw error
  }
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await condition()) return
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((wake) => setTimeout(wake, 100))
  }
}
