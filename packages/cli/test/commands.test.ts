import { describe, expect, it } from 'vitest'
import { main } from '../src/main/index.ts'
import { createFakeGateway, type FakeGatewayOptions } from './fake-gateway.ts'
import { createMemoryIo } from './memory-io.ts'

/**
 * The commands through the dispatcher, against an in-memory gateway: what they send, what
 * they print, and their exit codes.
 */

const b64 = (text: string): string => Buffer.from(text).toString('base64')

const setup = (options: FakeGatewayOptions = {}) => {
  const gateway = createFakeGateway(options)
  const run = async (argv: string[], stdin: string[] = []) => {
    const io = createMemoryIo(stdin)
    const code = await main(argv, { io, fetch: gateway.fetch, bootstrapServer: 'http://gw:1' })
    return { code, stdout: io.stdoutText(), stderr: io.stderrText(), io }
  }
  return { gateway, run }
}

describe('tributary (dispatcher)', () => {
  it('prints help with exit 0, and usage with exit 2 for mistakes', async () => {
    const { run } = setup()
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: tributary <command>/)
    expect(help.stdout).toMatch(/console-consumer/)
    const topicsHelp = await run(['topics', '--help', '--nonsense'])
    expect(topicsHelp.code).toBe(0)
    expect(topicsHelp.stdout).toMatch(/^Usage: tributary topics/)
    const unknown = await run(['produce'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^Error: unknown command 'produce'/)
    const bad = await run(['topics', '--create'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^Error: --topic is required\n\nUsage: tributary topics/)
    expect((await run([])).code).toBe(2)
  })

  it('shows a server error as one line and exits 1', async () => {
    const { run } = setup()
    const result = await run(['topics', '--describe', '--topic', 'missing'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'Error: This server does not host this topic-partition. (error_code 40403)\n',
    )
  })

  it('says so in one line when the gateway cannot be reached', async () => {
    const io = createMemoryIo()
    const code = await main(['topics', '--list'], {
      io,
      fetch: async () => {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
            code: 'ECONNREFUSED',
          }),
        })
      },
      bootstrapServer: 'http://127.0.0.1:1',
    })
    expect(code).toBe(1)
    expect(io.stderrText()).toBe(
      'Error: cannot reach http://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n',
    )
  })
})

describe('tributary topics', () => {
  it('creates, lists, alters, describes and deletes over v3', async () => {
    const { gateway, run } = setup()
    const created = await run([
      'topics',
      '--create',
      '--topic',
      'orders',
      '--partitions',
      '2',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=1000',
    ])
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n' })
    expect(gateway.requests.find((r) => r.method === 'POST')).toMatchObject({
      path: '/v3/clusters/fake-cluster/topics',
      contentType: 'application/json',
      body: {
        topic_name: 'orders',
        partitions_count: 2,
        replication_factor: 1,
        configs: [{ name: 'retention.ms', value: '1000' }],
      },
    })
    await run(['topics', '--create', '--topic', 'audit'])
    expect((await run(['topics', '--list'])).stdout).toBe('audit\norders\n')

    const again = await run(['topics', '--create', '--topic', 'orders'])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe("Error: Topic 'orders' already exists. (error_code 40002)\n")

    expect((await run(['topics', '--alter', '--topic', 'orders', '--partitions', '3'])).code).toBe(
      0,
    )
    expect(gateway.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      partitions_count: 3,
    })

    const described = await run(['topics', '--describe', '--topic', 'orders'])
    expect(described.stdout).toBe(
      'Topic: orders\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=1000\n' +
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n' +
        '\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\n' +
        '\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\n',
    )
    expect((await run(['topics', '--describe'])).stdout).toMatch(
      /^Topic: audit\t[\s\S]*\nTopic: orders\t/,
    )

    expect((await run(['topics', '--delete', '--topic', 'orders'])).code).toBe(0)
    expect((await run(['topics', '--list'])).stdout).toBe('audit\n')
  })

  it('describes through v2 partitions when the gateway has no v3 replicas route', async () => {
    const { gateway, run } = setup({ withoutReplicasRoute: true })
    gateway.addTopic('t', 2)
    const described = await run(['topics', '--describe', '--topic', 't'])
    expect(described.code).toBe(0)
    expect(described.stdout).toMatch(/\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\n$/)
    expect(gateway.requests.some((r) => r.path === '/topics/t/partitions')).toBe(true)
  })

  it('says in one line that --alter needs the PATCH route when the gateway lacks it', async () => {
    const { gateway, run } = setup({ withoutPatchRoute: true })
    gateway.addTopic('t', 1)
    const result = await run(['topics', '--alter', '--topic', 't', '--partitions', '2'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'Error: the gateway does not serve PATCH /v3/clusters/{cluster_id}/topics/{topic_name}, ' +
        'the REST Proxy call that raises partitions_count (error_code 404)\n',
    )
  })
})

describe('tributary console-producer', () => {
  it('sends keyed lines with the binary embedded format and reports refused lines', async () => {
    const { gateway, run } = setup({ refuseValue: b64('bad') })
    gateway.addTopic('t', 1)
    const result = await run(
      [
        'console-producer',
        '--topic',
        't',
        '--property',
        'parse.key=true',
        '--property',
        'key.separator=:',
      ],
      ['k1:v1', 'k2:bad', 'nokey', 'k3:v3'],
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'Error: line 2: Refused. (error_code 50002)\n' +
        "Error: line 3: no key separator ':' in the line\n",
    )
    const post = gateway.requests.find((r) => r.method === 'POST')
    expect(post).toMatchObject({
      path: '/topics/t',
      contentType: 'application/vnd.kafka.binary.v2+json',
    })
    expect(gateway.topics.get('t')?.partitions[0]).toEqual([
      { key: b64('k1'), value: b64('v1'), timestamp: 1_700_000_000_000 },
      { key: b64('k3'), value: b64('v3'), timestamp: 1_700_000_000_000 },
    ])
  })

  it('exits 1 with one line when the topic does not exist', async () => {
    const { run } = setup()
    const result = await run(['console-producer', '--topic', 'nope'], ['a'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('Error: Topic not found. (error_code 40401)\n')
  })
})

describe('tributary console-consumer', () => {
  const seeded = () => {
    const context = setup()
    context.gateway.addTopic('t', 2)
    for (let i = 0; i < 3; i++) {
      for (const p of [0, 1]) {
        context.gateway.append('t', p, {
          key: b64(`k${p}`),
          value: b64(`p${p}-${i}`),
          timestamp: 1000 + i,
          headers: [{ name: 'h', value: b64(String(i)) }],
        })
      }
    }
    return context
  }

  it('reads every partition from the beginning, each in order, and stops at --max-messages', async () => {
    const { gateway, run } = seeded()
    const result = await run([
      'console-consumer',
      '--topic',
      't',
      '--from-beginning',
      '--max-messages',
      '6',
      '--property',
      'print.key=true',
    ])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect([...lines].sort()).toEqual([
      'k0\tp0-0',
      'k0\tp0-1',
      'k0\tp0-2',
      'k1\tp1-0',
      'k1\tp1-1',
      'k1\tp1-2',
    ])
    for (const p of [0, 1]) {
      expect(lines.filter((l) => l.startsWith(`k${p}`))).toEqual(
        [0, 1, 2].map((i) => `k${p}\tp${p}-${i}`),
      )
    }
    expect(result.stderr).toBe('Processed a total of 6 messages\n')
    const reads = gateway.requests.filter((r) => r.path.includes('/records?'))
    expect(reads[0]).toMatchObject({ accept: 'application/vnd.kafka.binary.v2+json' })
    expect(reads.map((r) => r.path)).toContain(
      '/topics/t/partitions/0/records?offset=2&max_bytes=1048576&timeout=1000',
    )
  })

  it('reads one partition from an offset with timestamps and headers', async () => {
    const { run } = seeded()
    const result = await run([
      'console-consumer',
      '--topic',
      't',
      '--partition',
      '1',
      '--offset',
      '1',
      '--max-messages',
      '2',
      '--property',
      'print.timestamp=true',
      '--property',
      'print.headers=true',
    ])
    expect(result.stdout).toBe('CreateTime:1001\th:1\tp1-1\nCreateTime:1002\th:2\tp1-2\n')
  })

  it('starts at the end by default and leaves after --timeout-ms without records', async () => {
    const { run } = seeded()
    const result = await run(['console-consumer', '--topic', 't', '--timeout-ms', '300'])
    expect(result).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'Processed a total of 0 messages\n',
    })
  })

  it('stops on Ctrl-C and when stdin closes', async () => {
    for (const stop of ['interrupt', 'stdin'] as const) {
      const { gateway } = seeded()
      const io = createMemoryIo()
      const running = main(['console-consumer', '--topic', 't'], { io, fetch: gateway.fetch })
      setTimeout(() => (stop === 'interrupt' ? io.interruptNow() : io.closeStdin()), 200)
      expect(await running).toBe(0)
    }
  })
})

describe('tributary perf tests', () => {
  it('producer-perf-test sends the records in batches and prints a summary', async () => {
    const { gateway, run } = setup()
    gateway.addTopic('t', 2)
    const result = await run([
      'producer-perf-test',
      '--topic',
      't',
      '--num-records',
      '25',
      '--record-size',
      '10',
      '--throughput',
      '-1',
      '--batch-size',
      '10',
      '--concurrency',
      '2',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^25 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, [\d.]+ ms 50th, [\d.]+ ms 95th, [\d.]+ ms 99th, [\d.]+ ms 99.9th.\n$/,
    )
    const posts = gateway.requests.filter((r) => r.method === 'POST')
    expect(posts.map((r) => (r.body as { records: unknown[] }).records.length).sort()).toEqual([
      10, 10, 5,
    ])
    const stored = gateway.topics.get('t')?.partitions.flat() ?? []
    expect(stored).toHaveLength(25)
    expect(Buffer.from(stored[0]?.value ?? '', 'base64').toString()).toMatch(/^[A-Z]{10}$/)
  })

  it('consumer-perf-test reads the topic from the start and prints a summary', async () => {
    const { gateway, run } = setup()
    gateway.addTopic('t', 2)
    for (let i = 0; i < 10; i++)
      gateway.append('t', i % 2, { key: null, value: b64('xxxx'), timestamp: 0 })
    const result = await run(['consumer-perf-test', '--topic', 't', '--messages', '10'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^10 records received, .* ms 99.9th.\n$/)
    expect(result.stderr).toBe('')
  })

  it('consumer-perf-test warns when the topic runs dry before --messages', async () => {
    const { gateway, run } = setup()
    gateway.addTopic('t', 1)
    gateway.append('t', 0, { key: null, value: b64('x'), timestamp: 0 })
    const result = await run([
      'consumer-perf-test',
      '--topic',
      't',
      '--messages',
      '5',
      '--timeout',
      '300',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^1 records received/)
    expect(result.stderr).toMatch(/^WARNING: Exiting before consuming the expected number/)
  })
})
