/**
 * `npm run cluster` (infra/cluster): its command line, process bookkeeping and partition table
 * on their own, then the real thing: a one-controller, three-broker, one-gateway cluster on
 * nats-server in a temp dir with the default replication factor 3 and min.insync.replicas 2, a
 * topic created without a replication factor, its leaders and in-sync replicas in `status` as a
 * broker is killed and started again, and `down` leaving no process behind.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_DIR, parseCommand, UsageError } from '../../infra/cluster/args.ts'
import type {
  ClusterStatus,
  PartitionStatus,
  ProcessStatus,
  TopicStatus,
} from '../../infra/cluster/commands/index.ts'
import { partitionLines } from '../../infra/cluster/commands/status.ts'
import { natsConfigText } from '../../infra/cluster/nats-server.ts'
import { brokerIdOf } from '../../infra/cluster/partitions.ts'
import { freePorts, isRunning, stopProcess } from '../../infra/cluster/processes.ts'
import { brokerRecord, controllerRecord, gatewayRecord } from '../../infra/cluster/services.ts'
import type { ClusterState, ProcessRecord } from '../../infra/cluster/state.ts'

const root = resolve(import.meta.dirname, '..', '..')

describe('the command line', () => {
  it('gives up its defaults, with --dir resolved from the working directory', () => {
    expect(parseCommand(['up'], '/work')).toMatchObject({
      kind: 'up',
      dir: resolve('/work', DEFAULT_DIR),
      controllers: 3,
      brokers: 3,
      gateways: 1,
      port: 8082,
      clusterId: 'local',
      racks: [],
      sessionTimeoutMs: undefined,
      replicationFactor: 3,
      minInsyncReplicas: 2,
      build: true,
    })
    const parsed = parseCommand(
      ['up', '--controllers', '1', '--brokers', '2', '--racks', 'a,b', '--no-build', '--dir', 'x'],
      '/work',
    )
    expect(parsed).toMatchObject({ controllers: 1, brokers: 2, racks: ['a', 'b'], build: false })
    expect(parsed).toMatchObject({ dir: '/work/x' })
  })

  it('defaults replication to 3 and 2 with 3 or more brokers, else to every broker and 1', () => {
    const up = (...argv: string[]) => parseCommand(['up', ...argv], '/')
    expect(up('--brokers', '5')).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2 })
    expect(up('--brokers', '2')).toMatchObject({ replicationFactor: 2, minInsyncReplicas: 1 })
    expect(up('--brokers', '1')).toMatchObject({ replicationFactor: 1, minInsyncReplicas: 1 })
    expect(up('--replication-factor', '1')).toMatchObject({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    })
    expect(
      up('--brokers', '5', '--replication-factor', '5', '--min-insync-replicas', '3'),
    ).toMatchObject({ replicationFactor: 5, minInsyncReplicas: 3 })
    expect(parseCommand(['status', '--internal'], '/')).toMatchObject({ internal: true })
  })

  it('reads member numbers and kill-controller --active', () => {
    expect(parseCommand(['kill-broker', '2'], '/')).toMatchObject({ kind: 'kill-broker', id: 2 })
    expect(parseCommand(['kill-controller', '--active'], '/')).toMatchObject({
      id: undefined,
      active: true,
    })
    expect(parseCommand(['kill-controller'], '/')).toMatchObject({ id: undefined, active: false })
    expect(parseCommand([], '/')).toEqual({ kind: 'help' })
  })

  it.each([
    [['launch']],
    [['up', '--controllers', '0']],
    [['up', '--brokers', 'three']],
    [['up', '--cluster-id', 'a.b']],
    [['up', '--bogus']],
    [['up', '--replication-factor', '0']],
    [['up', '--brokers', '2', '--replication-factor', '3']],
    [['up', '--replication-factor', '2', '--min-insync-replicas', '3']],
    [['up', '--min-insync-replicas', '0']],
    [['kill-broker']],
    [['kill-broker', '1', '2']],
    [['stop-broker', '-1']],
    [['kill-controller', '1', '--active']],
    [['status', '--timeout-ms', '0']],
  ])('refuses %j with a UsageError', (argv) => {
    expect(() => parseCommand(argv, '/')).toThrow(UsageError)
  })
})

describe('process bookkeeping', () => {
  it('writes sync_interval only for a nats-server that understands it', () => {
    expect(natsConfigText(4222, '/s', [2, 9])).not.toContain('sync_interval')
    expect(natsConfigText(4222, '/s', [2, 10])).toContain('sync_interval: always')
    expect(natsConfigText(4222, '/s', [2, 9])).toContain('store_dir: "/s"')
  })

  it('puts every service in the cluster with its own ports and data dir', () => {
    const state: ClusterState = {
      version: 1,
      dir: '/c',
      clusterId: 'c1',
      natsUrl: 'nats://127.0.0.1:4222',
      sessionTimeoutMs: 3000,
      replicationFactor: 3,
      minInsyncReplicas: 2,
      processes: [],
    }
    const records = [
      controllerRecord(state, 2, 7001),
      brokerRecord(state, 3, 7002, 7003, 'r1'),
      gatewayRecord(state, 1, 7004),
    ]
    for (const record of records) {
      expect(record.args.join(' ')).toContain('--nats nats://127.0.0.1:4222 --cluster-id c1')
      expect(record.args.join(' ')).toContain(`--data-dir /c/${record.name}`)
    }
    expect(records[0]?.args.join(' ')).toContain('--node-id controller-2 ')
    expect(records[0]?.args.join(' ')).toContain('--session-timeout-ms 3000')
    expect(records[0]?.args.join(' ')).toContain(
      '--default-replication-factor 3 --min-insync-replicas 2',
    )
    // A state from before `up` knew replication runs its controllers on their own defaults.
    const { replicationFactor, minInsyncReplicas, ...older } = state
    expect(controllerRecord(older, 1, 7005).args.join(' ')).not.toContain('replica')
    expect(records[1]?.args.join(' ')).toContain('--port 7002 --http-port 7003')
    expect(records[1]?.args.join(' ')).toContain('--rack r1')
  })

  it('lists each partition with its leader, replicas and ISR, and flags what needs attention', () => {
    const partition = (
      id: number,
      leader: number | null,
      replicas: number[] | null,
      isr: number[] | null,
    ): PartitionStatus => ({ partition: id, leader, replicas, isr })
    const topics: TopicStatus[] = [
      {
        name: 'orders',
        internal: false,
        replicationFactor: 3,
        partitions: [
          partition(0, 1, [1, 2, 3], [1, 2, 3]),
          partition(1, 3, [2, 3, 1], [3, 1]),
          partition(2, null, [3, 1, 2], [3]),
          partition(3, 2, null, null),
        ],
      },
    ]
    const cells = partitionLines(topics).map((line) => line.split(/\s+/))
    expect(cells).toEqual([
      ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'STATE'],
      ['orders', '0', '1', '1,2,3', '1,2,3'],
      ['orders', '1', '3', '2,3,1', '3,1', 'under-replicated'],
      ['orders', '2', '-', '3,1,2', '3', 'offline'],
      ['orders', '3', '2', '?', '?'],
    ])
    expect(partitionLines([])).toEqual(['no topics'])
    expect(brokerIdOf('http://g/v3/clusters/c/topics/t/partitions/0/replicas/12')).toBe(12)
    expect(brokerIdOf('http://g/v3/clusters/c/topics/t/partitions/0/replicas')).toBeNull()
  })

  it('hands out distinct free ports', async () => {
    const ports = await freePorts(20)
    expect(new Set(ports).size).toBe(20)
  })

  it('recognises a process by its command line and stops it', async () => {
    const args = ['-e', 'setInterval(() => {}, 1000)', `cluster-script-test-${process.pid}`]
    const child = spawn(process.execPath, args, { stdio: 'ignore' })
    const record: ProcessRecord = {
      name: 'probe',
      role: 'broker',
      id: 1,
      command: process.execPath,
      args,
      ports: {},
      pid: child.pid ?? null,
    }
    try {
      expect(isRunning(record)).toBe(true)
      // The same pid running other arguments is someone else's process: never signalled.
      expect(isRunning({ ...record, args: [...args.slice(0, -1), 'another'] })).toBe(false)
      expect(await stopProcess(record, 'SIGTERM', 10_000)).toBe('stopped')
      expect(record.pid).toBeNull()
      expect(isRunning({ ...record, pid: child.pid ?? null })).toBe(false)
      expect(await stopProcess(record, 'SIGTERM', 10_000)).toBe('not-running')
    } finally {
      child.kill('SIGKILL')
    }
  })
})

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `npm run cluster -- <args>` from the repository root. */
function cluster(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', '--silent', 'cluster', '--', ...args],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        done({ code, stdout, stderr })
      },
    )
  })
}

/** Runs a command that must succeed, with its output in the failure message. */
async function ok(...args: string[]): Promise<string> {
  const run = await cluster(...args)
  expect(run.code, `${args.join(' ')}:\n${run.stdout}\n${run.stderr}`).toBe(0)
  return run.stdout
}

/** Whether `pid` is a live process (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))
  } catch {
    return false
  }
}

describe('a real cluster', () => {
  // Made before the tests rather than as the file loads, so a run that filters them out leaves none.
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-cluster-script-'))
  })
  afterAll(async () => {
    if (dir === '') return
    if (existsSync(join(dir, 'cluster.json'))) await cluster('down', '--dir', dir)
    rmSync(dir, { recursive: true, force: true })
  })

  const status = async (): Promise<ClusterStatus> =>
    JSON.parse(await ok('status', '--json', '--dir', dir)) as ClusterStatus
  const member = (snapshot: ClusterStatus, name: string): ProcessStatus => {
    const found = snapshot.processes.find((process) => process.name === name)
    if (found === undefined) throw new Error(`no ${name} in ${JSON.stringify(snapshot)}`)
    return found
  }

  /** Polls `status --json` until `holds` does (up to `timeoutMs`); answers that status. */
  const statusWhen = async (
    what: string,
    holds: (snapshot: ClusterStatus) => boolean,
    timeoutMs = 60_000,
  ): Promise<ClusterStatus> => {
    const deadline = Date.now() + timeoutMs
    let last: ClusterStatus | undefined
    for (;;) {
      last = await status()
      if (holds(last)) return last
      if (Date.now() > deadline) {
        throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last.topics)}`)
      }
      await new Promise((wake) => setTimeout(wake, 500))
    }
  }
  const partitionsOf = (snapshot: ClusterStatus, topic: string): readonly PartitionStatus[] =>
    snapshot.topics?.find(({ name }) => name === topic)?.partitions ?? []

  it('comes up with replication defaults, shows leaders and ISR as a broker dies and returns, and goes down leaving no process', async () => {
    const pids = new Set<number>()
    const remember = (snapshot: ClusterStatus) => {
      for (const { pid } of snapshot.processes) if (pid !== null) pids.add(pid)
    }

    const upOutput = await ok(
      'up',
      ...['--controllers', '1', '--brokers', '3', '--port', '0', '--dir', dir],
      ...['--session-timeout-ms', '3000', '--timeout-ms', '120000'],
    )
    expect(upOutput).toContain('default replication factor 3, min.insync.replicas 2')
    const first = await status()
    remember(first)
    expect(first.processes.map(({ name, running, ready }) => [name, running, ready])).toEqual([
      ['nats', true, true],
      ['controller-1', true, true],
      ['broker-1', true, true],
      ['broker-2', true, true],
      ['broker-3', true, true],
      ['gateway-1', true, true],
    ])
    expect(first).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2, topics: [] })
    expect(member(first, 'controller-1').active).toBe(true)
    expect(member(first, 'broker-1').fenced).toBe(false)
    const gateway = first.gateways[0] ?? ''
    expect(upOutput).toContain(`gateway: ${gateway}`)
    expect((await fetch(`${gateway}/health`)).status).toBe(200)

    // A topic created without a replication factor takes the cluster's default.
    const clusters = (await (await fetch(`${gateway}/v3/clusters`)).json()) as {
      data: { cluster_id: string }[]
    }
    const created = await fetch(`${gateway}/v3/clusters/${clusters.data[0]?.cluster_id}/topics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic_name: 'orders', partitions_count: 3 }),
    })
    expect(created.status, await created.clone().text()).toBe(201)
    expect(((await created.json()) as { replication_factor: number }).replication_factor).toBe(3)

    const inSync = (snapshot: ClusterStatus) => {
      const partitions = partitionsOf(snapshot, 'orders')
      return (
        partitions.length === 3 &&
        partitions.every(
          ({ leader, replicas, isr }) =>
            leader !== null &&
            replicas?.length === 3 &&
            replicas.includes(leader) &&
            [...(isr ?? [])].sort().join() === [...replicas].sort().join(),
        )
      )
    }
    const healthy = await statusWhen('every replica of orders in sync', inSync)
    expect(partitionsOf(healthy, 'orders').map(({ partition }) => partition)).toEqual([0, 1, 2])
    const table = await ok('status', '--dir', dir)
    for (const { partition, leader, replicas, isr } of partitionsOf(healthy, 'orders')) {
      expect(table).toMatch(
        new RegExp(`^orders +${partition} +${leader} +${replicas?.join()} +${isr?.join()}$`, 'm'),
      )
    }

    // Killed, broker 1 is fenced once its session times out: out of every ISR, leading nothing,
    // and the partitions stay online on the two replicas left (min.insync.replicas 2).
    await ok('kill-broker', '1', '--dir', dir)
    const afterKill = member(await status(), 'broker-1')
    expect(afterKill).toMatchObject({ running: false, ready: false, pid: null })
    expect((await cluster('kill-broker', '1', '--dir', dir)).code).toBe(1)
    await statusWhen(
      'broker 1 out of every ISR of orders, the partitions led by others',
      (snapshot) =>
        partitionsOf(snapshot, 'orders').every(
          ({ leader, isr }) =>
            leader !== null && leader !== 1 && isr?.length === 2 && !isr.includes(1),
        ),
    )
    expect(await ok('status', '--dir', dir)).toMatch(/^orders +\d+ +[23] .*under-replicated$/m)

    await ok('start-broker', '1', '--dir', dir)
    const restarted = await status()
    remember(restarted)
    expect(member(restarted, 'broker-1')).toMatchObject({ running: true, fenced: false })
    expect(member(restarted, 'broker-1').pid).not.toBe(member(first, 'broker-1').pid)
    // Caught up again, broker 1 rejoins every ISR.
    remember(await statusWhen('broker 1 back in every ISR of orders', inSync))

    await ok('down', '--dir', dir)
    const after = await status()
    expect(after.processes.filter(({ running }) => running)).toEqual([])
    expect(after.topics).toBeNull()
    expect([...pids].filter(alive)).toEqual([])
  }, 420_000)
})
