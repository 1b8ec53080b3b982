import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The CLI run as a user runs it, against a real combined-mode process (`tributary start`):
 * each command is a child process talking HTTP to the gateway.
 */

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = join(packageDir, '..', '..')
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx')
const bin = join(packageDir, 'src', 'bin.ts')
// Combined mode is the lead's `src/start/`; until it lands there is nothing to run against.
const startExists = existsSync(join(packageDir, 'src', 'start', 'index.ts'))

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const spawnCli = (args: readonly string[], env: NodeJS.ProcessEnv, stdio: 'pipe' | 'ignore') =>
  spawn(tsx, ['--conditions=@tributary/source', bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: [stdio, 'pipe', 'pipe'],
  })

/** Lines of text on stdin (then closed), or stdin on /dev/null when there is none. */
const runCli = (args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> =>
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
const waitForOutput = (child: ChildProcess, pattern: RegExp, timeoutMs: number) =>
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

// Each command is a fresh tsx process (about a second to start), so tests get a minute.
describe.skipIf(!startExists)(
  'tributary against a combined-mode process',
  { timeout: 60_000 },
  () => {
    let server: ChildProcess | undefined
    let dataDir = ''
    let env: NodeJS.ProcessEnv = {}
    const cli = (args: readonly string[], input?: string) => runCli(args, env, input)

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tributary-cli-e2e-'))
      server = spawnCli(['start', '--port', '0', '--data-dir', dataDir], {}, 'ignore')
      const [, url] = await waitForOutput(
        server,
        /Tributary listening on (http:\/\/127\.0\.0\.1:\d+)/,
        60_000,
      )
      env = { TRIBUTARY_BOOTSTRAP_SERVER: url }
    }, 90_000)

    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server?.once('exit', resolve))
        server.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    })

    it('creates, lists, describes and deletes a topic', async () => {
      const created = await cli([
        'topics',
        '--create',
        '--topic',
        'e2e-admin',
        '--partitions',
        '3',
        '--replication-factor',
        '1',
        '--config',
        'retention.ms=3600000',
      ])
      expect(created).toMatchObject({ code: 0, stdout: 'Created topic e2e-admin.\n' })

      const listed = await cli(['topics', '--list'])
      expect(listed.code).toBe(0)
      expect(listed.stdout.split('\n')).toContain('e2e-admin')

      const described = await cli(['topics', '--describe', '--topic', 'e2e-admin'])
      expect(described.code).toBe(0)
      const lines = described.stdout.trimEnd().split('\n')
      expect(lines[0]).toMatch(
        /^Topic: e2e-admin\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: .*retention\.ms=3600000/,
      )
      expect(lines.slice(1)).toEqual(
        [0, 1, 2].map((p) =>
          expect.stringMatching(
            new RegExp(
              `^\\tTopic: e2e-admin\\tPartition: ${p}\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+$`,
            ),
          ),
        ),
      )

      expect((await cli(['topics', '--delete', '--topic', 'e2e-admin'])).code).toBe(0)
      expect((await cli(['topics', '--list'])).stdout.split('\n')).not.toContain('e2e-admin')
    })

    it('raises the partition count with --alter', async (context) => {
      expect((await cli(['topics', '--create', '--topic', 'e2e-alter'])).code).toBe(0)
      const altered = await cli(['topics', '--alter', '--topic', 'e2e-alter', '--partitions', '4'])
      // A gateway without the REST Proxy's PATCH topic route cannot add partitions, and the CLI
      // says so in one line. Skipped (not passed) until the gateway serves that route.
      if (altered.stderr.includes('does not serve PATCH')) context.skip()
      expect(altered).toMatchObject({ code: 0, stderr: '' })
      const described = await cli(['topics', '--describe', '--topic', 'e2e-alter'])
      expect(described.stdout).toMatch(/PartitionCount: 4/)
      expect(described.stdout).toMatch(/\tPartition: 3\t/)
    })

    it('produces keyed lines and reads them back from the beginning', async () => {
      expect(
        (await cli(['topics', '--create', '--topic', 'e2e-keys', '--partitions', '3'])).code,
      ).toBe(0)
      const lines = [
        'alice:1',
        'bob:1',
        'carol:1',
        'alice:2',
        'bob:2',
        'alice:3',
        'dave:1',
        'bob:3',
      ]
      const produced = await cli(
        [
          'console-producer',
          '--topic',
          'e2e-keys',
          '--property',
          'parse.key=true',
          '--property',
          'key.separator=:',
        ],
        `${lines.join('\n')}\n`,
      )
      expect(produced).toMatchObject({ code: 0, stderr: '' })

      const consumed = await cli([
        'console-consumer',
        '--topic',
        'e2e-keys',
        '--from-beginning',
        '--max-messages',
        String(lines.length),
        '--timeout-ms',
        '20000',
        '--property',
        'print.key=true',
        '--property',
        'key.separator=:',
      ])
      expect(consumed.code).toBe(0)
      const read = consumed.stdout.trimEnd().split('\n')
      expect([...read].sort()).toEqual([...lines].sort())
      // One key lands on one partition, so each key's records come back in the order sent.
      for (const key of ['alice', 'bob']) {
        expect(read.filter((l) => l.startsWith(`${key}:`))).toEqual(
          lines.filter((l) => l.startsWith(`${key}:`)),
        )
      }
      expect(consumed.stderr).toBe(`Processed a total of ${lines.length} messages\n`)
    })

    it('reads one partition from an offset with timestamps', async () => {
      expect(
        (await cli(['topics', '--create', '--topic', 'e2e-one', '--partitions', '1'])).code,
      ).toBe(0)
      expect((await cli(['console-producer', '--topic', 'e2e-one'], 'a\nb\nc\n')).code).toBe(0)
      const consumed = await cli([
        'console-consumer',
        '--topic',
        'e2e-one',
        '--partition',
        '0',
        '--offset',
        '1',
        '--max-messages',
        '2',
        '--timeout-ms',
        '20000',
        '--property',
        'print.timestamp=true',
      ])
      expect(consumed.stdout).toMatch(/^CreateTime:\d+\tb\nCreateTime:\d+\tc\n$/)
    })

    it('runs the perf tests', async () => {
      expect(
        (await cli(['topics', '--create', '--topic', 'e2e-perf', '--partitions', '2'])).code,
      ).toBe(0)
      const produced = await cli([
        'producer-perf-test',
        '--topic',
        'e2e-perf',
        '--num-records',
        '500',
        '--record-size',
        '100',
        '--throughput',
        '-1',
        '--batch-size',
        '50',
      ])
      expect(produced.code).toBe(0)
      expect(produced.stdout).toMatch(/^500 records sent, .* ms 99\.9th\.$/m)
      const consumed = await cli([
        'consumer-perf-test',
        '--topic',
        'e2e-perf',
        '--messages',
        '500',
        '--timeout',
        '20000',
      ])
      expect(consumed.code).toBe(0)
      expect(consumed.stdout).toMatch(/^500 records received, .* ms 99\.9th\.$/m)
    })

    it("shows the server's error as one line and exits non-zero", async () => {
      const missing = await cli(['topics', '--describe', '--topic', 'e2e-no-such-topic'])
      expect(missing.code).toBe(1)
      expect(missing.stdout).toBe('')
      expect(missing.stderr).toMatch(/^Error: [^\n]+ \(error_code 404\d\d\)\n$/)

      const produced = await cli(['console-producer', '--topic', 'e2e-no-such-topic'], 'x\n')
      expect(produced.code).toBe(1)
      expect(produced.stderr).toMatch(/^Error: [^\n]+ \(error_code 404\d\d\)\n$/)
    })
  },
)
