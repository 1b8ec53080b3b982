import { describe, expect, it } from 'vitest'
import { main } from '../src/main/index.ts'
import { createFakeGateway, type FakeGatewayOptions } from './fake-gateway.ts'
import { createMemoryIo } from './memory-io.ts'

/**
 * console-consumer --group and consumer-groups through the dispatcher, against the in-memory
 * gateway: the REST Proxy calls they make, what they print, and their exit codes.
 */

const b64 = (text: string): string => Buffer.from(text).toString('base64')

const setup = (options: FakeGatewayOptions = {}) => {
  const gateway = createFakeGateway(options)
  gateway.addTopic('t', 2)
  for (let i = 0; i < 4; i++) {
    for (const p of [0, 1]) {
      gateway.append('t', p, { key: null, value: b64(`p${p}-${i}`), timestamp: 1000 + i })
    }
  }
  const run = async (argv: string[]) => {
    const io = createMemoryIo()
    const code = await main(argv, { io, fetch: gateway.fetch, bootstrapServer: 'http://gw:1' })
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() }
  }
  const calls = () =>
    gateway.requests
      .filter((r) => r.path.startsWith('/consumers/'))
      .map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`)
  return { gateway, run, calls }
}

describe('tributary console-consumer --group', () => {
  it('consumes through a group instance, then commits and leaves', async () => {
    const { gateway, run, calls } = setup()
    const result = await run([
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g1',
      '--from-beginning',
      '--max-messages',
      '8',
    ])
    expect(result).toMatchObject({ code: 0, stderr: 'Processed a total of 8 messages\n' })
    const lines = result.stdout.trimEnd().split('\n')
    expect([...lines].sort()).toEqual(
      [0, 1].flatMap((p) => [0, 1, 2, 3].map((i) => `p${p}-${i}`)).sort(),
    )
    for (const p of [0, 1]) {
      expect(lines.filter((l) => l.startsWith(`p${p}`))).toEqual(
        [0, 1, 2, 3].map((i) => `p${p}-${i}`),
      )
    }
    const created = gateway.requests.find((r) => r.path === '/consumers/g1')
    expect(created).toMatchObject({
      method: 'POST',
      contentType: 'application/vnd.kafka.v2+json',
      body: { format: 'binary', 'auto.offset.reset': 'earliest', 'auto.commit.enable': 'true' },
    })
    const instance = '/consumers/g1/instances/rest-consumer-1'
    const sequence = calls()
    expect(sequence.slice(0, 2)).toEqual([`POST /consumers/g1`, `POST ${instance}/subscription`])
    expect(sequence.slice(-2)).toEqual([`POST ${instance}/offsets`, `DELETE ${instance}`])
    expect(sequence.slice(2, -2).every((c) => c === `GET ${instance}/records`)).toBe(true)
    const read = gateway.requests.find((r) => r.path.startsWith(`${instance}/records?`))
    expect(read?.accept).toBe('application/vnd.kafka.binary.v2+json')
    expect(gateway.groups.get('g1')?.instances.size).toBe(0)
    expect(Object.fromEntries(gateway.groups.get('g1')?.committed ?? [])).toEqual({
      't:0': 4,
      't:1': 4,
    })
  })

  it('commits only what it printed when --max-messages cuts a poll short', async () => {
    const { gateway, run } = setup()
    const result = await run([
      'console-consumer',
      '--topic',
      't',
      '--group',
      'g2',
      '--from-beginning',
      '--max-messages',
      '2',
    ])
    // The first poll hands out 3 records of each partition; the first two of partition 0 print.
    expect(result.stdout).toBe('p0-0\np0-1\n')
    const commit = gateway.requests.find((r) => r.path.endsWith('/offsets'))
    expect(commit?.body).toEqual({ offsets: [{ topic: 't', partition: 0, offset: 1 }] })
    // Partition 1's records (auto committed on delivery, none printed) cannot be un-committed
    // by name from offset 0; partition 0 goes back to the first record left out.
    expect(gateway.groups.get('g2')?.committed.get('t:0')).toBe(2)
  })

  it('starts at the end by default, and leaves the group on Ctrl-C', async () => {
    const { gateway } = setup()
    const io = createMemoryIo()
    const running = main(['console-consumer', '--topic', 't', '--group', 'g3'], {
      io,
      fetch: gateway.fetch,
    })
    setTimeout(() => io.interruptNow(), 300)
    expect(await running).toBe(0)
    expect(io.stdoutText()).toBe('')
    expect(gateway.requests.find((r) => r.path === '/consumers/g3')?.body).toMatchObject({
      'auto.offset.reset': 'latest',
    })
    expect(gateway.requests.at(-1)).toMatchObject({ method: 'DELETE' })
    expect(gateway.groups.get('g3')?.instances.size).toBe(0)
  })

  it('fails with the server error when the topic does not exist, and still leaves', async () => {
    const { gateway, run } = setup()
    const result = await run(['console-consumer', '--topic', 'nope', '--group', 'g4'])
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: Topic nope not found. (error_code 40401)\n',
    })
    expect(gateway.requests.at(-1)).toMatchObject({ method: 'DELETE' })
  })
})

describe('tributary consumer-groups', () => {
  const consumed = async (group: string) => {
    const context = setup()
    const result = await context.run([
      'console-consumer',
      '--topic',
      't',
      '--group',
      group,
      '--from-beginning',
      '--max-messages',
      '3',
    ])
    expect(result.code).toBe(0)
    return context
  }

  it('lists the groups, one per line', async () => {
    const { gateway, run } = await consumed('beta')
    // A reader that found nothing still commits where it stood (the log end): listed too.
    await run(['console-consumer', '--topic', 't', '--group', 'alpha', '--timeout-ms', '200'])
    const listed = await run(['consumer-groups', '--list'])
    expect(listed).toMatchObject({ code: 0, stdout: 'alpha\nbeta\n', stderr: '' })
    expect(gateway.requests.at(-1)?.path).toBe('/v3/clusters/fake-cluster/consumer-groups')
  })

  it('describes a group with no members from its committed offsets', async () => {
    const { run } = await consumed('g')
    const described = await run(['consumer-groups', '--describe', '--group', 'g'])
    expect(described).toMatchObject({
      code: 0,
      stderr: "Consumer group 'g' has no active members.\n",
      stdout: [
        'GROUP ASSIGNMENT-STRATEGY STATE #MEMBERS',
        'g     sticky              EMPTY 0',
        '',
        'GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID',
        'g     t     0         3              4              1   -',
        'g     t     1         3              4              1   -',
        '',
      ].join('\n'),
    })
    const missing = await run(['consumer-groups', '--describe', '--group', 'nobody'])
    expect(missing).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: Consumer group nobody cannot be found. (error_code 404)\n',
    })
  })

  it('describes the members and what each owns', async () => {
    const { gateway, run } = setup()
    for (const name of ['m1', 'm2']) {
      await gateway.fetch('http://gw:1/consumers/live', {
        method: 'POST',
        body: JSON.stringify({ name }),
      })
      await gateway.fetch(`http://gw:1/consumers/live/instances/${name}/subscription`, {
        method: 'POST',
        body: JSON.stringify({ topics: ['t'] }),
      })
    }
    const described = await run(['consumer-groups', '--describe', '--group', 'live'])
    expect(described.stderr).toBe('')
    expect(described.stdout).toBe(
      [
        'GROUP ASSIGNMENT-STRATEGY STATE  #MEMBERS',
        'live  sticky              STABLE 2',
        '',
        'GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID',
        'live  t     0         -              4              -   m1',
        'live  t     1         -              4              -   m2',
        '',
      ].join('\n'),
    )
  })

  it('prints the reset plan without applying it, and applies it with --execute', async () => {
    const { gateway, run } = await consumed('g')
    const plan = await run([
      'consumer-groups',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't',
      '--to-offset',
      '9',
    ])
    expect(plan.code).toBe(0)
    expect(plan.stdout).toBe(
      'GROUP TOPIC PARTITION NEW-OFFSET\ng     t     0         4\ng     t     1         4\n',
    )
    expect(plan.stderr).toMatch(/^WARN: New offset \(9\) is higher than latest offset/)
    expect(plan.stderr).toMatch(/No action was performed/)
    expect(gateway.requests.some((r) => r.path.includes('offsets:reset'))).toBe(false)
    expect(gateway.groups.get('g')?.committed.get('t:0')).toBe(3)

    const applied = await run([
      'consumer-groups',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't:1',
      '--to-earliest',
      '--execute',
    ])
    expect(applied).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'GROUP TOPIC PARTITION NEW-OFFSET\ng     t     1         0\n',
    })
    expect(gateway.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v3/clusters/fake-cluster/consumer-groups/g/offsets:reset',
      body: { topic_name: 't', partition_id: 1, to: 'earliest' },
    })
    expect(gateway.groups.get('g')?.committed.get('t:1')).toBe(0)
    expect(gateway.groups.get('g')?.committed.get('t:0')).toBe(3)
  })

  it('refuses to reset a group with members, in one clear line and exit code 1', async () => {
    const { gateway, run } = setup()
    await gateway.fetch('http://gw:1/consumers/busy', { method: 'POST', body: '{}' })
    const refused = await run([
      'consumer-groups',
      '--reset-offsets',
      '--group',
      'busy',
      '--topic',
      't',
      '--to-latest',
      '--execute',
    ])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toBe(
      "Error: cannot reset the offsets of group 'busy' while it has active members; stop its " +
        'consumers first (Group busy has active members.) (error_code 40903)\n',
    )
  })

  it('is listed in the main usage and has its own help', async () => {
    const { run } = setup()
    expect((await run(['--help'])).stdout).toMatch(/\n {2}consumer-groups +list and describe/)
    const help = await run(['consumer-groups', '--help'])
    expect(help).toMatchObject({ code: 0 })
    expect(help.stdout).toMatch(/^Usage: tributary consumer-groups <action>/)
    const consumerHelp = await run(['console-consumer', '--help'])
    expect(consumerHelp.stdout).toMatch(/--group <id>/)
  })
})
