import type { MetadataLogEntry } from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
// The contract suite's record helpers; see metadata-log.test.ts for why they are imported by path.
import { everyRecordType, labelled } from '../../storage/test/metadata-log-contract.ts'
import { NatsMetadataLog } from '../src/index.ts'
import { natsServerPerFile } from './nats-server.ts'

// Its own file, hence its own server: restarting it must not disturb other files' tests.
const nats = natsServerPerFile()

const WAIT = { timeout: 20_000, interval: 20 }
const labels = (entries: readonly MetadataLogEntry[]) =>
  entries.map((entry) => (entry.record.type === 'config' ? entry.record.value : entry.record.type))

describe('NatsMetadataLog across a nats-server restart', () => {
  it('keeps every acknowledged record, and a follower carries on after it', async () => {
    const server = nats()
    const clusterId = 'restart'
    const before = await NatsMetadataLog.open({ connection: await server.connect(), clusterId })
    onTestFinished(() => before.close())
    let last = await before.append(everyRecordType, { controllerEpoch: 1, expectedLastOffset: -1 })
    for (const label of ['a', 'b', 'c']) {
      last = await before.append(labelled(label), { controllerEpoch: 1, expectedLastOffset: last })
    }
    const followed: MetadataLogEntry[] = []
    const subscription = before.follow(0, (entry) => followed.push(entry))
    onTestFinished(() => subscription.close())
    await vi.waitFor(() => expect(labels(followed)).toContain('c'), WAIT)

    await server.stop()
    await server.start()

    const after = await NatsMetadataLog.open({ connection: await server.connect(), clusterId })
    onTestFinished(() => after.close())
    const entries = await after.read(0)
    expect(entries.map((entry) => entry.record)).toEqual([
      ...everyRecordType,
      ...labelled('a', 'b', 'c'),
    ])
    expect(await after.lastOffset()).toBe(last)
    await after.append(labelled('after restart'), { controllerEpoch: 2, expectedLastOffset: last })
    // The first connection reconnected; its follower's consumer was recreated where it stopped.
    await vi.waitFor(() => expect(labels(followed)).toContain('after restart'), WAIT)
    expect(followed.map((entry) => entry.offset)).toEqual(
      Array.from({ length: last + 2 }, (_, offset) => offset),
    )
  })

  it('keeps every acknowledged record when nats-server is killed (SIGKILL)', async () => {
    const server = nats()
    const clusterId = 'crash'
    const log = await NatsMetadataLog.open({ connection: await server.connect(), clusterId })
    onTestFinished(() => log.close())
    let last = -1
    for (let round = 0; round < 20; round++) {
      last = await log.append(labelled(`r${round}a`, `r${round}b`), {
        controllerEpoch: 1,
        expectedLastOffset: last,
      })
    }
    await server.kill('SIGKILL')
    await server.start()
    const reopened = await NatsMetadataLog.open({ connection: await server.connect(), clusterId })
    onTestFinished(() => reopened.close())
    const entries = await reopened.read(0)
    expect(entries.map((entry) => entry.offset)).toEqual(
      Array.from({ length: last + 1 }, (_, offset) => offset),
    )
    expect(labels(entries).slice(-2)).toEqual(['r19a', 'r19b'])
  })
})
