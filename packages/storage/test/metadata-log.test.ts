import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCode, type MetadataLogEntry } from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import {
  EmbeddedControllerElection,
  type EmbeddedControllerElectionOptions,
  EmbeddedMetadataLog,
  loadDriver,
  METADATA_FILE,
} from '../src/index.ts'
import { runtimeName, tempDir } from './helpers.ts'
import { describeMetadataLogContract, everyRecordType, labelled } from './metadata-log-contract.ts'
import { describeElectionContract, within } from './metadata-log-election-contract.ts'

const POLL_MS = 20

/** A temp dir removed by the fixture's cleanup (contract fixtures live past one `tempDir`). */
function fixtureDir(): { dir: string; remove: () => void } {
  const dir = tempDir('tributary-metadata-')
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

describeMetadataLogContract(`embedded SQLite (${runtimeName()})`, async () => {
  const { dir, remove } = fixtureDir()
  const log = await EmbeddedMetadataLog.open({ dir, pollIntervalMs: POLL_MS })
  return {
    log,
    openAnother: () => EmbeddedMetadataLog.open({ dir, pollIntervalMs: POLL_MS }),
    cleanup: async () => {
      await log.close()
      remove()
    },
  }
})

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
const electionOptions = (now: () => number): EmbeddedControllerElectionOptions => ({
  leaseMs: LEASE_MS,
  renewIntervalMs: 10,
  pollIntervalMs: 10,
  now,
})

describeElectionContract(`embedded SQLite lease (${runtimeName()})`, async () => {
  const { dir, remove } = fixtureDir()
  const clock = manualClock()
  return {
    open: () => EmbeddedControllerElection.open({ dir, ...electionOptions(clock.now) }),
    expireLeases: async () => clock.advance(LEASE_MS + 1),
    cleanup: async () => remove(),
  }
})

describe('EmbeddedMetadataLog', () => {
  it('keeps its entries across reopen, in <dir>/metadata.sqlite', async () => {
    const dir = tempDir()
    const first = await EmbeddedMetadataLog.open({ dir, now: () => 42 })
    expect(first.path).toBe(join(dir, METADATA_FILE))
    await first.append(everyRecordType, { controllerEpoch: 5, expectedLastOffset: -1 })
    await first.close()
    const again = await EmbeddedMetadataLog.open({ path: join(dir, METADATA_FILE) })
    onTestFinished(() => again.close())
    const entries = await again.read(0)
    expect(entries.map((entry) => entry.record)).toEqual(everyRecordType)
    expect(entries[0]).toMatchObject({ offset: 0, controllerEpoch: 5, timestamp: 42 })
    await expect(
      again.append(labelled('old'), { controllerEpoch: 4, expectedLastOffset: 10 }),
    ).rejects.toMatchObject({ code: ErrorCode.NotController, message: /epoch 4.*5/ })
  })

  it('names the expected and the actual last offset when it refuses an append', async () => {
    const log = await EmbeddedMetadataLog.open({ dir: tempDir() })
    onTestFinished(() => log.close())
    await log.append(labelled('a', 'b'), { controllerEpoch: 1, expectedLastOffset: -1 })
    await expect(
      log.append(labelled('c'), { controllerEpoch: 1, expectedLastOffset: 0 }),
    ).rejects.toMatchObject({ code: ErrorCode.NotController, message: /ends at offset 1.*0/ })
  })

  it('reports a damaged entry through read and follow, after the good ones', async () => {
    const dir = tempDir()
    const log = await EmbeddedMetadataLog.open({ dir, pollIntervalMs: POLL_MS })
    onTestFinished(() => log.close())
    await log.append(labelled('a', 'b'), { controllerEpoch: 1, expectedLastOffset: -1 })
    const db = (await loadDriver()).open(join(dir, METADATA_FILE))
    db.prepare(
      'INSERT INTO metadata_log ("offset", controller_epoch, timestamp, record) VALUES (2, 1, 0, ?)',
    ).run('{not json')
    db.close()

    const corrupt = { code: ErrorCode.CorruptMessage, message: 'metadata record is not JSON' }
    await expect(log.read(0)).rejects.toMatchObject(corrupt)
    expect((await log.read(0, 2)).map((entry) => entry.offset)).toEqual([0, 1])
    const entries: MetadataLogEntry[] = []
    const errors: unknown[] = []
    const subscription = log.follow(
      0,
      (entry) => entries.push(entry),
      (error) => errors.push(error),
    )
    onTestFinished(() => subscription.close())
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000, interval: 10 })
    expect(errors[0]).toMatchObject(corrupt)
    expect(entries.map((entry) => entry.offset)).toEqual([0, 1])
  })

  it('keeps delivering after onEntry throws, and reports the throw', async () => {
    const log = await EmbeddedMetadataLog.open({ dir: tempDir() })
    onTestFinished(() => log.close())
    const seen: number[] = []
    const errors: unknown[] = []
    const boom = new Error('boom')
    log.follow(
      0,
      (entry) => {
        seen.push(entry.offset)
        if (entry.offset === 0) throw boom
      },
      (error) => errors.push(error),
    )
    await log.append(labelled('a', 'b'), { controllerEpoch: 1, expectedLastOffset: -1 })
    await vi.waitFor(() => expect(seen).toEqual([0, 1]), { timeout: 10_000, interval: 10 })
    expect(errors).toEqual([boom])
  })

  it('delivers in order when a follower appends from inside onEntry', async () => {
    const log = await EmbeddedMetadataLog.open({ dir: tempDir() })
    onTestFinished(() => log.close())
    const seen: number[] = []
    log.follow(0, (entry) => {
      seen.push(entry.offset)
      if (entry.offset < 4) {
        void log.append(labelled(`n${entry.offset}`), {
          controllerEpoch: 1,
          expectedLastOffset: entry.offset,
        })
      }
    })
    await log.append(labelled('start'), { controllerEpoch: 1, expectedLastOffset: -1 })
    await vi.waitFor(() => expect(seen).toEqual([0, 1, 2, 3, 4]), { timeout: 10_000, interval: 10 })
  })

  it('refuses bad arguments and options', async () => {
    await expect(EmbeddedMetadataLog.open({ dir: tempDir(), pollIntervalMs: 0 })).rejects.toThrow(
      /pollIntervalMs/,
    )
    await expect(EmbeddedMetadataLog.open({} as { dir: string })).rejects.toThrow(/dir.*path/)
    const log = await EmbeddedMetadataLog.open({ dir: tempDir() })
    onTestFinished(() => log.close())
    const invalid = { code: ErrorCode.InvalidRequest }
    await expect(
      log.append(labelled('a'), { controllerEpoch: -1, expectedLastOffset: -1 }),
    ).rejects.toMatchObject(invalid)
    await expect(log.read(-1)).rejects.toMatchObject(invalid)
    expect(() => log.follow(0.5, () => {})).toThrow(expect.objectContaining(invalid))
    await log.close()
    await expect(log.lastOffset()).rejects.toMatchObject({ code: ErrorCode.KafkaStorageError })
  })
})

describe('EmbeddedControllerElection with the metadata log', () => {
  it('a deposed controller cannot append once its successor has', async () => {
    const dir = tempDir()
    const clock = manualClock()
    const options = { dir, ...electionOptions(clock.now) }
    const [electionA, electionB] = await Promise.all([
      EmbeddedControllerElection.open(options),
      EmbeddedControllerElection.open(options),
    ])
    const [logA, logB] = await Promise.all([
      EmbeddedMetadataLog.open({ dir }),
      EmbeddedMetadataLog.open({ dir }),
    ])
    onTestFinished(async () => {
      await Promise.all([electionA.close(), electionB.close(), logA.close(), logB.close()])
    })
    const a = await within(electionA.campaign('a'), 'campaign a')
    await logA.append(labelled('by a'), {
      controllerEpoch: a.controllerEpoch,
      expectedLastOffset: -1,
    })
    const pendingB = electionB.campaign('b')
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

  it('the lease and the log share one file, whose tables are the drizzle definitions', async () => {
    const dir = tempDir()
    const election = await EmbeddedControllerElection.open({ dir })
    await election.close()
    const db = (await loadDriver()).open(join(dir, METADATA_FILE))
    onTestFinished(() => db.close())
    const tables = db
      .prepare<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      )
      .all()
      .map((row) => row.name)
    expect(tables).toEqual(['controller_lease', 'metadata_log'])
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    const columns = db
      .prepare<{ name: string; pk: number }>('PRAGMA table_info(metadata_log)')
      .all()
      .map((column) => `${column.name}${column.pk === 1 ? '*' : ''}`)
    expect(columns).toEqual(['offset*', 'controller_epoch', 'timestamp', 'record'])
  })
})
