import { MetadataFollower, MetadataImage } from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
// The contract suite's record helpers; see metadata-log.test.ts for why they are imported by path.
import { everyRecordType, labelled } from '../../storage/test/metadata-log-contract.ts'
import { NatsMetadataLog, NatsSnapshotStore } from '../src/index.ts'
import { natsServerPerFile } from './nats-server.ts'

const nats = natsServerPerFile()
const WAIT = { timeout: 20_000, interval: 20 }

describe('NatsSnapshotStore', () => {
  it('starts a follower from the latest snapshot to the same image as a full replay', async () => {
    const server = nats()
    const clusterId = 'snapshots'
    const connection = await server.connect()
    const log = await NatsMetadataLog.open({ connection, clusterId })
    onTestFinished(() => log.close())
    const store = await NatsSnapshotStore.open({ connection, clusterId })
    expect(await store.latest()).toBeUndefined()

    let last = await log.append(everyRecordType, { controllerEpoch: 1, expectedLastOffset: -1 })
    const writer = new MetadataFollower()
    writer.start(log)
    onTestFinished(() => writer.stop())
    await writer.waitFor(last)
    await store.save(writer.image.snapshot())
    for (const label of ['a', 'b']) {
      last = await log.append(labelled(label), { controllerEpoch: 1, expectedLastOffset: last })
    }
    await writer.waitFor(last)

    const snapshot = await store.latest()
    expect(snapshot?.offset).toBe(everyRecordType.length - 1)
    if (snapshot === undefined) throw new Error('no snapshot saved')
    const fromSnapshot = new MetadataFollower(MetadataImage.fromSnapshot(snapshot))
    fromSnapshot.start(log)
    onTestFinished(() => fromSnapshot.stop())
    await vi.waitFor(() => expect(fromSnapshot.image.offset).toBe(last), WAIT)
    expect(fromSnapshot.image.snapshot()).toEqual(writer.image.snapshot())
  })

  it('never moves the snapshot back to an older offset', async () => {
    const server = nats()
    const connection = await server.connect()
    const store = await NatsSnapshotStore.open({ connection, clusterId: 'monotonic' })
    const image = new MetadataImage()
    const at = (offset: number) => ({ ...image.snapshot(), offset })
    await store.save(at(10))
    await store.save(at(4))
    expect((await store.latest())?.offset).toBe(10)
    await store.save(at(12))
    expect((await store.latest())?.offset).toBe(12)
  })
})
