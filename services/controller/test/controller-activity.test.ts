import { MetadataImage, type MetadataSnapshot, type MetadataSnapshotStore } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { addBroker, eventually, startController } from './harness.ts'

describe('Controller: activity and cluster id', () => {
  it('tells a listener when it becomes active and when it steps down', async () => {
    const first = await startController({ nodeId: 'controller-a' })
    const seen: boolean[] = []
    first.controller.onActivityChange((active) => seen.push(active))
    expect(seen).toEqual([true])
    const second = await startController({ dir: first.dir, nodeId: 'controller-b', active: false })
    const secondSeen: boolean[] = []
    second.controller.onActivityChange((active) => secondSeen.push(active))
    expect(secondSeen).toEqual([])
    await first.stop()
    await eventually(() => seen.at(-1) === false && secondSeen.at(-1) === true)
    expect(seen).toEqual([true, false])
    expect(secondSeen).toEqual([true])
  })

  it('writes the configured cluster id on a new log and refuses a log of another cluster', async () => {
    const first = await startController({ clusterId: 'cluster-one' })
    expect(first.controller.image.clusterId).toBe('cluster-one')
    await first.stop()
    const other = await startController({ dir: first.dir, clusterId: 'cluster-two', active: false })
    // It campaigns and wins, but will not lead a log that names another cluster: it stops.
    await expect(other.controller.whenActive()).rejects.toThrow(/closed/)
    expect(other.controller.active).toBe(false)
    expect(other.controller.image.clusterId).toBe('cluster-one')
  })
})

describe('Controller: snapshots', () => {
  it('saves a snapshot of its image every so many records, and a controller can start from one', async () => {
    const saved: MetadataSnapshot[] = []
    // The store's contract is tested against NATS in @tributary/nats; here, what the controller saves.
    const store: MetadataSnapshotStore = {
      latest: async () => saved.at(-1),
      save: async (snapshot) => {
        saved.push(snapshot)
      },
    }
    const first = await startController({ snapshots: store, snapshotIntervalRecords: 3 })
    for (let i = 0; i < 4; i++) await addBroker(first.controller, i + 1)
    await eventually(() => saved.length >= 2)
    for (const snapshot of saved) {
      expect(snapshot.offset).toBeGreaterThanOrEqual(0)
      expect(snapshot.offset).toBeLessThanOrEqual(first.controller.image.offset)
    }
    const latest = saved.at(-1) as MetadataSnapshot
    await first.stop()
    const second = await startController({
      dir: first.dir,
      initialImage: MetadataImage.fromSnapshot(latest),
    })
    // The same cluster as the first left it; the second's term added only its no-op.
    const { offset: _o, controllerEpoch: _e, ...secondImage } = second.controller.image.snapshot()
    const { offset: _fo, controllerEpoch: _fe, ...firstImage } = first.controller.image.snapshot()
    expect(secondImage).toEqual(firstImage)
    expect(second.controller.image.offset).toBe(first.controller.image.offset + 1)
  })
})
