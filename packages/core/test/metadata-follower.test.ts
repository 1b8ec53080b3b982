import { describe, expect, it } from 'vitest'
import {
  MetadataFollower,
  type MetadataLogEntry,
  type MetadataReader,
  type MetadataRecord,
} from '../src/index.ts'

/** A reader over an array that delivers appends as they happen: the follow contract, in memory. */
function arrayReader() {
  const entries: MetadataLogEntry[] = []
  const followers = new Set<(entry: MetadataLogEntry) => void>()
  const reader: MetadataReader = {
    read: async (from, max = Number.MAX_SAFE_INTEGER) => entries.slice(from, from + max),
    lastOffset: async () => entries.length - 1,
    follow: (from, onEntry) => {
      for (const entry of entries.slice(from)) onEntry(entry)
      followers.add(onEntry)
      return { close: () => followers.delete(onEntry) }
    },
  }
  const append = (record: MetadataRecord) => {
    const entry = { offset: entries.length, controllerEpoch: 1, timestamp: 0, record }
    entries.push(entry)
    for (const follower of followers) follower(entry)
  }
  return { reader, append }
}

describe('MetadataFollower', () => {
  it('applies history and live entries, tells listeners, and releases waiters in order', async () => {
    const { reader, append } = arrayReader()
    append({ type: 'cluster', clusterId: 'c' })
    const follower = new MetadataFollower()
    const seen: number[] = []
    follower.onApplied((entry) => seen.push(entry.offset))
    follower.start(reader)
    expect(follower.image.clusterId).toBe('c')

    let reached = false
    const waiting = follower.waitFor(2).then(() => {
      reached = true
    })
    append({ type: 'topic', name: 'a', topicId: 'ta' })
    await Promise.resolve()
    expect(reached).toBe(false)
    append({ type: 'topic', name: 'b', topicId: 'tb' })
    await waiting
    expect(follower.image.topics.map((t) => t.name)).toEqual(['a', 'b'])
    expect(seen).toEqual([0, 1, 2])
    await follower.waitFor(1) // already reached: resolves at once

    follower.stop()
    append({ type: 'topic', name: 'c', topicId: 'tc' })
    expect(follower.image.topic('c')).toBeUndefined()
  })

  it('stops applying after an entry that cannot follow, and reports it', () => {
    const { reader, append } = arrayReader()
    append({ type: 'remove-topic', topicId: 'nope' })
    const errors: unknown[] = []
    const follower = new MetadataFollower()
    follower.start(reader, (error) => errors.push(error))
    append({ type: 'cluster', clusterId: 'c' })
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toMatch(/unknown topic id nope/)
    expect(follower.image.offset).toBe(-1)
  })
})
