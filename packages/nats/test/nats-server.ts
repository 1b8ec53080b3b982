/**
 * A real `nats-server` for tests: JetStream on, its own config file and store directory in a
 * temp dir, listening on a free port of 127.0.0.1. `natsServerPerFile()` starts one for a test
 * file and stops it (and removes its directory) when the file's tests are done; a process exit
 * SIGKILLs any server still running, so a crashed test run leaves none behind.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect as connectTcp } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll } from 'vitest'

const BINARY = 'nats-server'
const READY_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000

/** One nats-server process (restartable on the same port and store). */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /** The temp dir holding the config file and the JetStream store. */
  readonly dir: string
  /** The JetStream store directory (survives stop and start). */
  readonly storeDir: string
  /** Whether the process is running. */
  readonly running: boolean
  /** A new client connection to this server; closed by `close` if the test has not. */
  connect(): Promise<NatsConnection>
  /** Stops the server gracefully (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>
  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts the server again on the same port and store dir, after `stop` or `kill`. */
  start(): Promise<void>
  /** Closes connections made by `connect`, kills the server and removes its directory. */
  close(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

let version: readonly [number, number] | undefined

/** The installed nats-server's major and minor version (`nats-server: v2.9.10` → [2, 9]). */
export function natsServerVersion(): readonly [number, number] {
  if (version === undefined) {
    const text = execFileSync(BINARY, ['--version'], { encoding: 'utf8' })
    const match = /v(\d+)\.(\d+)/.exec(text)
    if (match === null) throw new Error(`cannot read the nats-server version from '${text}'`)
    version = [Number(match[1]), Number(match[2])]
  }
  return version
}

/**
 * The server's config. `sync_interval: always` makes JetStream fsync every write before it
 * acknowledges: by default it acknowledges once the write reached the OS and fsyncs every two
 * minutes, so a nats-server crash keeps every acknowledged message but a power loss may not.
 * The option exists from nats-server 2.10 on; 2.9 (Debian's 2.9.10) refuses to start with it,
 * so it is written only where the server understands it.
 */
function configText(port: number, storeDir: string): string {
  const [major, minor] = natsServerVersion()
  const syncAlways = major > 2 || (major === 2 && minor >= 10)
  return [
    'host: 127.0.0.1',
    // -1: the server picks a free port; a restart names the one it picked.
    `port: ${port}`,
    'jetstream {',
    `  store_dir: ${JSON.stringify(storeDir)}`,
    '  max_memory_store: 256MB',
    '  max_file_store: 1GB',
    ...(syncAlways ? ['  sync_interval: always'] : []),
    '}',
    '',
  ].join('\n')
}

/** Starts a nats-server with JetStream in a new temp dir; resolves once it accepts clients. */
export async function startNatsServer(): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-nats-'))
  const storeDir = join(dir, 'jetstream')
  const configFile = join(dir, 'nats-server.conf')
  const connections = new Set<NatsConnection>()
  let child: ChildProcess | undefined
  let port = -1

  const launch = async () => {
    writeFileSync(configFile, configText(port, storeDir))
    const started = spawn(BINARY, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] })
    child = started
    running.add(started)
    started.once('exit', () => running.delete(started))
    port = await listeningPort(started)
    await acceptsClients(port)
  }

  const waitForExit = (signal: NodeJS.Signals) => {
    const current = child
    child = undefined
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) {
      return Promise.resolve()
    }
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
    current.kill(signal)
    const escalate = setTimeout(() => current.kill('SIGKILL'), STOP_TIMEOUT_MS)
    return exited.finally(() => clearTimeout(escalate))
  }

  await launch()
  const server: NatsServer = {
    get url() {
      return `nats://127.0.0.1:${port}`
    },
    get port() {
      return port
    },
    dir,
    storeDir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null
    },
    connect: async () => {
      const connection = await connect({ servers: server.url, name: 'tributary-test' })
      connections.add(connection)
      void connection.closed().then(() => connections.delete(connection))
      return connection
    },
    stop: () => waitForExit('SIGTERM'),
    kill: (signal = 'SIGKILL') => waitForExit(signal),
    start: async () => {
      if (server.running) throw new Error('nats-server is already running')
      await launch()
    },
    close: async () => {
      await Promise.all([...connections].map((connection) => connection.close().catch(() => {})))
      await waitForExit('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return server
}

/**
 * One nats-server for the calling test file: started before its tests, closed after them. The
 * returned function gives the server (inside tests and hooks only).
 */
export function natsServerPerFile(): () => NatsServer {
  let server: NatsServer | undefined
  beforeAll(async () => {
    server = await startNatsServer()
  })
  afterAll(async () => {
    await server?.close()
  })
  return () => {
    if (server === undefined) throw new Error('the nats-server is not started yet')
    return server
  }
}

/**
 * The port from the server's "Listening for client connections" log line, once it has also
 * logged "Server is ready". Its stderr is drained for as long as it runs (a full pipe would
 * block the server); the last few KB are kept for error messages.
 */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = ''
    let settled = false
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited (${code ?? signal}) before it was ready`)
    const fail = (why: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(new Error(`nats-server ${why}:\n${output}`))
    }
    const timer = setTimeout(
      () => fail(`not ready within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    )
    child.once('exit', onExit)
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000)
      if (settled) return
      const match = /Listening for client connections on [^\s]*:(\d+)/.exec(output)
      if (match !== null && output.includes('Server is ready')) {
        settled = true
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(Number(match[1]))
      }
    })
  })
}

/** Resolves once a TCP client gets the server's INFO line on `port`. */
function acceptsClients(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`nats-server on port ${port} sent no INFO`))
    }, READY_TIMEOUT_MS)
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer)
      socket.destroy()
      if (chunk.toString().startsWith('INFO')) resolve()
      else reject(new Error(`nats-server on port ${port} answered '${chunk.toString()}'`))
    })
  })
}
