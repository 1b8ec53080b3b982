import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..')
const bin = join(root, 'packages', 'cli', 'src', 'bin.ts')

export interface CombinedProcess {
  readonly url: string
  readonly dataDir: string
  readonly child: ChildProcess
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** A fresh data directory, removed by `cleanup`. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-e2e-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Starts `tributary start` (combined mode) as a real process on a free port, from the sources
 * (tsx as a loader), and resolves once it prints where it listens.
 */
export function startCombined(
  dataDir: string,
  timeoutMs = 30_000,
  extraArgs: readonly string[] = [],
): Promise<CombinedProcess> {
  // Node itself with tsx as a loader, not the tsx command: that one runs the script in a child
  // process, and a SIGKILL sent to it would leave the real server running.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@tributary/source',
      bin,
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`combined mode did not start within ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Tributary listening on (http:\/\/\S+)/.exec(output)
      if (match?.[1] === undefined) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      done({
        url: match[1],
        dataDir,
        child,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal)
          return exited
        },
      })
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    void exited.then((code) => {
      clearTimeout(timer)
      fail(new Error(`combined mode exited (${code}) before listening:\n${output}`))
    })
  })
}
