// The replica comparison on real partition logs (SQLite segment files in a temp dir): copies that
// agree below the high watermark pass whatever they hold above it; a diverged copy is reported.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeRecordBatch } from '@tributary/core'
import { PartitionLog } from '@tributary/storage'
import { afterAll, describe, expect, it } from 'vitest'
import type { DrainedPartition } from '../history/index.ts'
import { compareCopies, readReplica, replicaDir } from './index.ts'

const root = mkdtempSync(join(tmpdir(), 'tributary-faults-replicas-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const batchOf = (...values: string[]) =>
  encodeRecordBatch(
    values.map((value) => ({ key: null, value: Buffer.from(value), timestamp: 1 })),
    {},
  )

/** A leader's log in `<root>/<name>` holding `batches` (each a list of values), in epoch 0. */
async function leaderLog(name: string, ...batches: string[][]): Promise<string> {
  const dir = join(root, name)
  const log = await PartitionLog.open({ dir })
  for (const values of batches) await log.append(batchOf(...values), 0)
  await log.close()
  return dir
}

/** A follower's copy of `leaderDir` in `<root>/<name>`: the leader's stored batches, unchanged. */
async function followerOf(leaderDir: string, name: string): Promise<string> {
  const leader = await PartitionLog.open({ dir: leaderDir })
  const stored = leader.read(0, 1 << 20).batches
  await leader.close()
  const dir = join(root, name)
  const log = await PartitionLog.open({ dir })
  await log.appendAsFollower(stored)
  await log.close()
  return dir
}

const drainedAbc: DrainedPartition = {
  partition: 0,
  startOffset: 0,
  endOffset: 3,
  records: ['a', 'b', 'c'].map((value, offset) => ({ partition: 0, offset, value })),
}

describe('replica comparison', () => {
  it('names the directory the broker keeps a replica in', () => {
    expect(replicaDir('/data/broker-2', 2, 'orders', 5)).toBe('/data/broker-2/broker-2/orders-5')
  })

  it('passes copies identical below the high watermark, whatever they hold above it', async () => {
    const leader = await leaderLog('agree-leader', ['a', 'b'], ['c'], ['unreplicated'])
    const follower = await followerOf(leader, 'agree-follower')
    const copies = [await readReplica(leader, 1, 3), await readReplica(follower, 2, 3)]
    expect(copies.map((copy) => copy.logEndOffset)).toEqual([4, 4])
    expect(copies[0]?.batches).toHaveLength(2)
    expect(compareCopies('t', drainedAbc, copies)).toEqual([])
  })

  it('reports a copy that diverged below the high watermark, by record and by bytes', async () => {
    const leader = await leaderLog('diverge-leader', ['a', 'b'], ['c'])
    const diverged = await leaderLog('diverge-other', ['a', 'b'], ['x'])
    const copies = [await readReplica(leader, 1, 3), await readReplica(diverged, 3, 3)]
    const problems = compareCopies('t', drainedAbc, copies)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toContain('t-0 on broker 3: offset 2 holds "x", the drain read "c"')
    expect(problems[1]).toContain("broker 3's batches differ from broker 1's below 3")
  })

  it('reports a copy that is missing records below the high watermark', async () => {
    const leader = await leaderLog('short-leader', ['a', 'b'], ['c'])
    const short = await leaderLog('short-other', ['a', 'b'])
    const copies = [await readReplica(leader, 1, 3), await readReplica(short, 2, 3)]
    const problems = compareCopies('t', drainedAbc, copies)
    expect(problems[0]).toContain('offset 2 holds undefined')
    expect(problems).toHaveLength(2)
  })
})
