import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnCli, startExists, waitForOutput } from './cli-process.ts'

/**
 * The CLI run as a user runs it, against a real combined-mode process (`tributary start`):
 * each command is a child process talking HTTP to the gateway.
 */

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

    it('consumes in a group, then lists, describes and resets the group', async () => {
      expect(
        (await cli(['topics', '--create', '--topic', 'e2e-group', '--partitions', '2'])).code,
      ).toBe(0)
      const values = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']
      expect(
        (await cli(['console-producer', '--topic', 'e2e-group'], `${values.join('\n')}\n`)).code,
      ).toBe(0)
      const consume = (max: number) =>
        cli([
          'console-consumer',
          '--topic',
          'e2e-group',
          '--group',
          'e2e-g',
          '--from-beginning',
          '--max-messages',
          String(max),
          '--timeout-ms',
          '20000',
        ])
      // Two readers one after the other: the second starts where the first's commit left off.
      const first = await consume(4)
      expect(first).toMatchObject({ code: 0, stderr: 'Processed a total of 4 messages\n' })
      const second = await consume(2)
      expect(second).toMatchObject({ code: 0, stderr: 'Processed a total of 2 messages\n' })
      const read = [...first.stdout.trimEnd().split('\n'), ...second.stdout.trimEnd().split('\n')]
      expect(read.sort()).toEqual(values)

      const listed = await cli(['consumer-groups', '--list'])
      expect(listed.code).toBe(0)
      expect(listed.stdout.split('\n')).toContain('e2e-g')

      const described = await cli(['consumer-groups', '--describe', '--group', 'e2e-g'])
      expect(described).toMatchObject({
        code: 0,
        stderr: "Consumer group 'e2e-g' has no active members.\n",
      })
      const [state, stateRow, blank, header, ...rows] = described.stdout.trimEnd().split('\n')
      expect(state).toBe('GROUP ASSIGNMENT-STRATEGY STATE #MEMBERS')
      expect(stateRow).toMatch(/^e2e-g +sticky +EMPTY +0$/)
      expect(blank).toBe('')
      expect(header).toMatch(
        /^GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID$/,
      )
      expect(rows.map((row) => row.split(/ +/))).toEqual([
        ['e2e-g', 'e2e-group', '0', expect.any(String), expect.any(String), '0', '-'],
        ['e2e-g', 'e2e-group', '1', expect.any(String), expect.any(String), '0', '-'],
      ])
      const ends = rows.map((row) => Number(row.split(/ +/)[4]))
      expect(ends.reduce((a, b) => a + b, 0)).toBe(values.length)

      const plan = await cli([
        'consumer-groups',
        '--reset-offsets',
        '--group',
        'e2e-g',
        '--topic',
        'e2e-group:1',
        '--to-earliest',
      ])
      expect(plan.stdout).toBe(
        'GROUP TOPIC     PARTITION NEW-OFFSET\ne2e-g e2e-group 1         0\n',
      )
      const applied = await cli([
        'consumer-groups',
        '--reset-offsets',
        '--group',
        'e2e-g',
        '--topic',
        'e2e-group:1',
        '--to-earliest',
        '--execute',
      ])
      expect(applied).toMatchObject({ code: 0, stderr: '', stdout: plan.stdout })
      // Partition 1 is read again from its start, and only it.
      const again = await consume(ends[1] as number)
      expect(again.code).toBe(0)
      const partition1 = await cli([
        'console-consumer',
        '--topic',
        'e2e-group',
        '--partition',
        '1',
        '--offset',
        'earliest',
        '--max-messages',
        String(ends[1]),
        '--timeout-ms',
        '20000',
      ])
      expect(again.stdout).toBe(partition1.stdout)
    })

    it('refuses to reset the offsets of a group with members', async () => {
      expect((await cli(['topics', '--create', '--topic', 'e2e-busy'])).code).toBe(0)
      const member = spawnCli(
        ['console-consumer', '--topic', 'e2e-busy', '--group', 'e2e-busy-g'],
        env,
        'pipe',
      )
      const exited = new Promise<number | null>((resolve) => member.once('exit', resolve))
      try {
        // The member shows in the group once it polled.
        let described = await cli(['consumer-groups', '--describe', '--group', 'e2e-busy-g'])
        for (let i = 0; i < 40 && !/ STABLE 1\n/.test(described.stdout); i++) {
          await new Promise((resolve) => setTimeout(resolve, 250))
          described = await cli(['consumer-groups', '--describe', '--group', 'e2e-busy-g'])
        }
        expect(described.stdout).toMatch(/^e2e-busy-g +\S+ +STABLE 1$/m)
        expect(described.stdout).toMatch(/^e2e-busy-g +e2e-busy +0 .* rest-consumer-\S+$/m)
        const refused = await cli([
          'consumer-groups',
          '--reset-offsets',
          '--group',
          'e2e-busy-g',
          '--topic',
          'e2e-busy',
          '--to-earliest',
          '--execute',
        ])
        expect(refused.code).toBe(1)
        expect(refused.stdout).toBe('')
        expect(refused.stderr).toMatch(
          /^Error: cannot reset the offsets of group 'e2e-busy-g' while it has active members.*\(error_code 40903\)\n$/,
        )
      } finally {
        member.kill('SIGINT')
      }
      // Ctrl-C: the member commits, leaves the group and exits 0.
      expect(await exited).toBe(0)
      const after = await cli(['consumer-groups', '--describe', '--group', 'e2e-busy-g'])
      expect(after.stderr).toBe("Consumer group 'e2e-busy-g' has no active members.\n")
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
