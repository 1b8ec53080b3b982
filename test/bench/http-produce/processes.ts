import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..', '..')
const cliBin = join(root, 'packages', 'cli', 'src', 'bin.ts')

export const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server'
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

export interface Server {
  readonly name: string
  readonly child: ChildProcess
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if signalled). */
  stop(graceMs?: number): Promise<number | null>
}

const children = new Set<ChildProcess>()
const tempDirs = new Set<string>()

/** Kills whatever is still running and removes the temp dirs; safe to call more than once. */
export function cleanupNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  children.clear()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

/** Removes children and temp dirs on exit, Ctrl-C, SIGTERM and uncaught failures. */
export function installCleanupHandlers(): void {
  process.on('exit', cleanupNow)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the servers`)
      cleanupNow()
      process.exit(130)
    })
  }
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tributary-bench-${prefix}-`))
  tempDirs.add(dir)
  return dir
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => done(port))
    })
  })
}

/** Spawns `command` and resolves once its output matches `ready` (the match is returned). */
function launch(
  name: string,
  command: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Promise<{ server: Server; match: RegExpExecArray }> {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  void exited.then(() => children.delete(child))
  const server: Server = {
    name,
    child,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
  let output = ''
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    const onData = (chunk: Buffer) => {
      // Only the start-up output is kept; after that the pipes are drained and dropped.
      if (output.length < 100_000) output += chunk.toString()
      const match = ready.exec(output)
      if (match === null) return
      clearTimeout(timer)
      ready.lastIndex = 0
      output = ''
      done({ server, match })
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('error', (error) => {
      clearTimeout(timer)
      fail(error)
    })
    void exited.then((code) => {
      clearTimeout(timer)
      fail(new Error(`${name} exited (${code}) before it was ready:\n${output}`))
    })
  })
}

/** Combined mode from the sources, default flush mode (fsync), fresh data dir, free port. */
export async function startTributary(
  nodeFlags: string[] = [],
): Promise<{ server: Server; url: string }> {
  const dataDir = tempDir('tributary')
  const args = [
    ...nodeFlags,
    '--import',
    'tsx',
    '--conditions=@tributary/source',
    cliBin,
    'start',
    '--port',
    '0',
    '--data-dir',
    dataDir,
  ]
  const env = { ...process.env, LOG_LEVEL: 'warn' }
  const { server, match } = await launch(
    'tributary',
    process.execPath,
    args,
    /Tributary listening on (http:\/\/\S+)/,
    env,
  )
  return { server, url: match[1] ?? '' }
}

export async function startNats(): Promise<{ server: Server; port: number }> {
  const port = await freePort()
  const storeDir = tempDir('nats')
  const args = ['-js', '-sd', storeDir, '-p', String(port), '-a', '127.0.0.1']
  const { server } = await launch('nats-server', NATS_SERVER, args, /Server is ready/)
  return { server, port }
}

export async function startRedis(): Promise<{ server: Server; port: number }> {
  const port = await freePort()
  const dir = tempDir('redis')
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  args.push('--dir', dir)
  const { server } = await launch('redis-server', REDIS_SERVER, args, /Ready to accept connections/)
  return { server, port }
}
