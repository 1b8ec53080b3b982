import { describe, expect, it } from 'vitest'
import { eventually, startController } from './harness.ts'

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
