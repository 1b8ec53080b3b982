import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The CLI as a child process, the way e2e.test.ts runs it: from the sources through tsx, with
 * its output collected.
 */

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = join(packageDir, '..', '..')
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx')
const bin = join(packageDir, 'src', 'bin.ts')
// Combined mode is the lead's `src/start/`; until it lands there is nothing to run against.
export const startExists = existsSync(join(packageDir, 'src', 'start', 'index.ts'))

/** How a CLI run ended, and what it printed. */
export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Spawns `tributary <args>`; stdin piped or ignored. */
export const spawnCli = (
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: 'pipe' | 'ignore',
) =>
  spawn(tsx, ['--conditions=@tributary/source', bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: [stdio, 'pipe', 'pipe'],
  })

/** Lines of text on stdin (then closed), or stdin on /dev/null when there is none. */
export const runCli = (
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawnCli(args, env, input === undefined ? 'ignore' : 'pipe')
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    if (input !== undefined) child.stdin?.end(input)
  })

/** Resolves with the first match of `pattern` in the process's output. */
export const waitForOutput = (child: ChildProcess, pattern: RegExp, timeoutMs: number) =>
  new Promise<RegExpMatchArray>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = output.match(pattern)
      if (match) {
        clearTimeout(timer)
        resolve(match)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`start exited with ${code} before listening; output:\n${output}`))
    })
  })
