import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/nats-core'
import { ErrorCode } from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'
// The contract suites live beside the embedded implementations' tests in @tributary/storage,
// which publishes no test code; importing them by path holds both backends to one suite.
import { labelled } from '../../storage/test/metadata-log-contract.ts'
import {
  describeElectionContract,
  QUIET_MS,
  within,
} from '../../storage/test/metadata-log-election-contract.ts'
import {
  decodeLease,
  NatsControllerElection,
  type NatsControllerElectionOptions,
  NatsMetadataLog,
} from '../src/index.ts'
import { natsServerPerFile } from './nats-server.ts'

const nats = natsServerPerFile()

let clusters = 0
/** A cluster id no other test uses, so each test has its own lease bucket. */
function freshClusterId(): string {
  clusters += 1
  return `election-${process.pid}-${clusters}`
}

/** A clock the test moves: leases expire only when it says so. */
function manualClock() {
  let now = 1_700_000_000_000
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

const LEASE_MS = 1_000
const FAST = { renewIntervalMs: 20, pollIntervalMs: 20 }

/** A connection to this file's server, closed when the test ends. */
async function connection(): Promise<NatsConnection> {
  const connected = await nats().connect()
  onTestFinished(() => connected.close())
  return connected
}

/** An election on its own connection (as another process's), closed when the test ends. */
async function openElection(
  options: Omit<NatsControllerElectionOptions, 'connection'>,
  connected?: NatsConnection,
): Promise<NatsControllerElection> {
  const election = await NatsControllerElection.open({
    connection: connected ?? (await connection()),
    ...options,
  })
  onTestFinished(() => election.close())
  return election
}

describeElectionContract('NATS key-value lease', async () => {
  const clusterId = freshClusterId()
  const clock = manualClock()
  const connections: NatsConnection[] = []
  return {
    open: async () => {
      const connected = await nats().connect()
      connections.push(connected)
      return NatsControllerElection.open({
        connection: connected,
        clusterId,
        leaseMs: LEASE_MS,
        ...FAST,
        now: clock.now,
      })
    },
    expireLeases: async () => clock.advance(LEASE_MS + 1),
    cleanup: async () => {
      await Promise.all(connections.map((connected) => connected.close()))
    },
  }
})

describe('NatsControllerElection', () => {
  it('keeps two clusters on one server apart: each has its own leader', async () => {
    const [one, two] = await Promise.all([
      openElection({ clusterId: freshClusterId(), ...FAST }),
      openElection({ clusterId: freshClusterId(), ...FAST }),
    ])
    const [first, second] = await Promise.all([
      within(one.campaign('a'), 'campaign in cluster one'),
      within(two.campaign('a'), 'campaign in cluster two'),
    ])
    expect([first.controllerEpoch, second.controllerEpoch]).toEqual([1, 1])
    expect(one.names.controllerBucket).not.toBe(two.names.controllerBucket)
  })

  it('stores the lease as {holder, controllerEpoch, expiresAtMs}, and frees it on resign', async () => {
    const clock = manualClock()
    const election = await openElection({ clusterId: freshClusterId(), now: clock.now, ...FAST })
    const leadership = await within(election.campaign('controller-7'), 'campaign')
    const kv = await new Kvm(await connection()).open(election.names.controllerBucket)
    const stored = async () => {
      const entry = await kv.get(election.names.controllerLeaseKey)
      if (entry === null) throw new Error('no lease stored')
      return decodeLease(entry.value)
    }
    expect(await stored()).toEqual({
      holder: 'controller-7',
      controllerEpoch: 1,
      expiresAtMs: clock.now() + 3_000,
    })
    await leadership.resign()
    expect(await stored()).toEqual({ holder: null, controllerEpoch: 1, expiresAtMs: 0 })
  })

  it('renews the lease on the real clock, so a standby waits while the holder lives', async () => {
    const clusterId = freshClusterId()
    const options = { clusterId, leaseMs: 200, renewIntervalMs: 50, pollIntervalMs: 20 }
    const holder = await within((await openElection(options)).campaign('a'), 'campaign')
    const standby = (await openElection(options)).campaign('b')
    const happened: string[] = []
    standby.then(
      () => happened.push('standby won'),
      () => happened.push('standby failed'),
    )
    void holder.lost.then(() => happened.push('holder lost'))
    // Several lease times pass: only renewals keep the lease from the standby.
    await new Promise((resolve) => setTimeout(resolve, 5 * 200))
    expect(happened).toEqual([])
    await holder.resign()
    expect((await within(standby, 'takeover')).controllerEpoch).toBe(2)
  })

  it('a holder cut off from NATS loses the lease when it runs out; a standby takes over', async () => {
    const clusterId = freshClusterId()
    const options = { clusterId, leaseMs: 300, renewIntervalMs: 100, pollIntervalMs: 20 }
    const cutOff = await connection()
    const holder = await within((await openElection(options, cutOff)).campaign('a'), 'campaign')
    const standby = (await openElection(options)).campaign('b')
    standby.catch(() => {})
    await cutOff.close()
    await within(holder.lost, 'lost once the lease ran out')
    expect((await within(standby, 'takeover')).controllerEpoch).toBe(2)
  })

  it('a deposed controller cannot append once its successor has', async () => {
    const clusterId = freshClusterId()
    const clock = manualClock()
    const options = { clusterId, leaseMs: LEASE_MS, now: clock.now, ...FAST }
    const [electionA, electionB] = await Promise.all([openElection(options), openElection(options)])
    const [logA, logB] = await Promise.all(
      [0, 1].map(async () => {
        const log = await NatsMetadataLog.open({ connection: await connection(), clusterId })
        onTestFinished(() => log.close())
        return log
      }),
    )
    if (logA === undefined || logB === undefined) throw new Error('two logs expected')
    const a = await within(electionA.campaign('a'), 'campaign a')
    await logA.append(labelled('by a'), {
      controllerEpoch: a.controllerEpoch,
      expectedLastOffset: -1,
    })
    const pendingB = electionB.campaign('b')
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS))
    clock.advance(LEASE_MS + 1)
    const b = await within(pendingB, 'campaign b')
    await within(a.lost, 'a lost')
    const last = await logB.lastOffset()
    await logB.append(labelled('by b'), {
      controllerEpoch: b.controllerEpoch,
      expectedLastOffset: last,
    })
    // Even caught up with b's append, a's older epoch is refused.
    await expect(
      logA.append(labelled('late a'), {
        controllerEpoch: a.controllerEpoch,
        expectedLastOffset: 1,
      }),
    ).rejects.toMatchObject({ code: ErrorCode.NotController })
    expect((await logA.read(0)).map((entry) => entry.controllerEpoch)).toEqual([1, 2])
  })

  it('refuses bad options and candidate ids', async () => {
    const connected = await connection()
    const clusterId = freshClusterId()
    const invalidConfig = { code: ErrorCode.InvalidConfig }
    for (const bad of [
      { leaseMs: 0 },
      { leaseMs: 100, renewIntervalMs: 100 },
      { pollIntervalMs: -1 },
    ]) {
      await expect(
        NatsControllerElection.open({ connection: connected, clusterId, ...bad }),
      ).rejects.toMatchObject(invalidConfig)
    }
    const election = await openElection({ clusterId }, connected)
    await expect(election.campaign('')).rejects.toMatchObject({ code: ErrorCode.InvalidRequest })
  })
})
