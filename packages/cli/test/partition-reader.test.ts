import { describe, expect, it } from 'vitest'
import { ServerError } from '../src/errors/index.ts'
import { type PartitionBatch, readPartitions } from '../src/partition-reader/index.ts'
import type { ConsumedRecord, ReadPartitionInput, RestClient } from '../src/rest/index.ts'

/** A client whose reads come from a script: each call takes the next answer for that partition. */
const scriptedClient = (
  script: Record<number, ((input: ReadPartitionInput) => ConsumedRecord[] | Error)[]>,
) => {
  const calls: ReadPartitionInput[] = []
  const client = {
    readPartition: async (input: ReadPartitionInput) => {
      calls.push(input)
      const next = script[input.partition]?.shift()
      if (next === undefined) {
        // Nothing scripted: a long poll that ends only when the reader gives up.
        return new Promise<ConsumedRecord[]>((_, reject) =>
          input.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        )
      }
      const answer = next(input)
      if (answer instanceof Error) throw answer
      return answer
    },
  } as unknown as RestClient
  return { client, calls }
}

const records = (partition: number, from: number, count: number): ConsumedRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    topic: 't',
    partition,
    offset: from + i,
    key: null,
    value: null,
  }))

describe('readPartitions', () => {
  it('hands batches over round robin and continues each partition after its last offset', async () => {
    const { client, calls } = scriptedClient({
      0: [() => records(0, 0, 2), () => records(0, 2, 1)],
      1: [() => records(1, 5, 1), () => records(1, 6, 1)],
    })
    const batches: PartitionBatch[] = []
    const controller = new AbortController()
    await readPartitions(
      {
        client,
        topic: 't',
        starts: [
          { partition: 0, offset: 0 },
          { partition: 1, offset: 5 },
        ],
        signal: controller.signal,
        pollTimeoutMs: 1000,
        maxBytes: 100,
      },
      (batch) => {
        batches.push(batch)
        if (batches.length === 4) controller.abort()
      },
    )
    expect(batches.map((b) => [b.partition, b.records.map((r) => r.offset)])).toEqual([
      [0, [0, 1]],
      [1, [5]],
      [0, [2]],
      [1, [6]],
    ])
    expect(calls.filter((c) => c.partition === 0).map((c) => c.offset)).toEqual([0, 2, 3])
    expect(calls[0]).toMatchObject({ topic: 't', maxBytes: 100, timeoutMs: 1000 })
  })

  it('skips records before the asked offset', async () => {
    const { client } = scriptedClient({ 0: [() => records(0, 0, 5)] })
    const controller = new AbortController()
    const seen: number[] = []
    await readPartitions(
      {
        client,
        topic: 't',
        starts: [{ partition: 0, offset: 3 }],
        signal: controller.signal,
        pollTimeoutMs: 10,
        maxBytes: 100,
      },
      (batch) => {
        seen.push(...batch.records.map((r) => r.offset))
        controller.abort()
      },
    )
    expect(seen).toEqual([3, 4])
  })

  it('retries a retriable error and throws any other', async () => {
    const retried = scriptedClient({
      0: [() => new ServerError(500, 50003, 'try again'), () => records(0, 0, 1)],
    })
    const controller = new AbortController()
    let got = 0
    await readPartitions(
      {
        client: retried.client,
        topic: 't',
        starts: [{ partition: 0, offset: 0 }],
        signal: controller.signal,
        pollTimeoutMs: 10,
        maxBytes: 100,
      },
      (batch) => {
        got += batch.records.length
        controller.abort()
      },
    )
    expect(got).toBe(1)

    const failing = scriptedClient({
      0: [() => new ServerError(404, 40402, 'Partition not found.')],
    })
    await expect(
      readPartitions(
        {
          client: failing.client,
          topic: 't',
          starts: [{ partition: 0, offset: 0 }],
          signal: new AbortController().signal,
          pollTimeoutMs: 10,
          maxBytes: 100,
        },
        () => {},
      ),
    ).rejects.toThrow('Partition not found.')
  })
})
