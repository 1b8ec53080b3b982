import {
  ErrorCode,
  type MetadataLog,
  type MetadataLogEntry,
  type MetadataRecord,
  type MetadataRecordType,
  type MetadataSubscription,
} from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'

/**
 * The contract every MetadataLog implementation keeps (embedded SQLite, NATS JetStream …). Call
 * `describeMetadataLogContract` from a test file with a factory for a fresh, empty log; the
 * election's contract is in metadata-log-election-contract.ts.
 */

export interface MetadataLogFixture {
  /** A fresh, empty log. */
  readonly log: MetadataLog
  /**
   * Opens another instance on the same log, as another process would; the suite closes it.
   * Omit it where a backend has no such thing: the tests that need it are then skipped.
   */
  readonly openAnother?: () => Promise<MetadataLog>
  /** Closes the log and removes whatever the fixture created. */
  readonly cleanup: () => Promise<void>
}

/** One record of every type: the compiler insists on a new type being added here. */
const oneOfEachType = {
  cluster: { type: 'cluster', clusterId: 'cluster-1' },
  'register-broker': {
    type: 'register-broker',
    brokerId: 1,
    incarnationId: 'incarnation-1',
    brokerEpoch: 7,
    endpoints: [{ name: 'client', host: 'broker-1.local', port: 9092 }],
    rack: null,
    fenced: true,
  },
  'unfence-broker': { type: 'unfence-broker', brokerId: 1, brokerEpoch: 7 },
  'fence-broker': { type: 'fence-broker', brokerId: 1, brokerEpoch: 7 },
  'unregister-broker': { type: 'unregister-broker', brokerId: 1, brokerEpoch: 7 },
  topic: { type: 'topic', name: 'orders', topicId: 'topic-1' },
  partition: {
    type: 'partition',
    topicId: 'topic-1',
    partition: 0,
    replicas: [1, 2, 3],
    isr: [1, 2],
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
  },
  'partition-change': { type: 'partition-change', topicId: 'topic-1', partition: 0, isr: [1] },
  config: {
    type: 'config',
    resourceType: 'topic',
    resourceName: 'orders',
    name: 'retention.ms',
    value: '60000',
  },
  'remove-topic': { type: 'remove-topic', topicId: 'topic-1' },
  'no-op': { type: 'no-op' },
} satisfies { [Type in MetadataRecordType]: Extract<MetadataRecord, { type: Type }> }

export const everyRecordType: readonly MetadataRecord[] = Object.values(oneOfEachType)

/** Distinguishable records: config changes whose value is `label`. */
export function labelled(...labels: string[]): MetadataRecord[] {
  return labels.map((label) => ({
    type: 'config',
    resourceType: 'cluster',
    resourceName: '',
    name: 'label',
    value: label,
  }))
}

function labelOf(entry: MetadataLogEntry): string | null | undefined {
  return entry.record.type === 'config' ? entry.record.value : undefined
}

/** A `follow` whose deliveries and errors land in arrays; closed when the test ends. */
export function collect(log: MetadataLog, fromOffset: number) {
  const entries: MetadataLogEntry[] = []
  const errors: unknown[] = []
  const subscription: MetadataSubscription = log.follow(
    fromOffset,
    (entry) => entries.push(entry),
    (error) => errors.push(error),
  )
  onTestFinished(() => subscription.close())
  return {
    entries,
    errors,
    subscription,
    offsets: () => entries.map((entry) => entry.offset),
    labels: () => entries.map(labelOf),
    /** Waits (bounded) until an entry labelled `label` has arrived. */
    until: (label: string) => vi.waitFor(() => expect(entries.map(labelOf)).toContain(label), WAIT),
  }
}

const WAIT = { timeout: 10_000, interval: 10 }
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

export function describeMetadataLogContract(
  name: string,
  makeLog: () => Promise<MetadataLogFixture>,
): void {
  async function fresh(): Promise<MetadataLogFixture> {
    const fixture = await makeLog()
    onTestFinished(() => fixture.cleanup())
    return fixture
  }

  async function another(fixture: MetadataLogFixture): Promise<MetadataLog | undefined> {
    if (fixture.openAnother === undefined) return undefined
    const log = await fixture.openAnother()
    onTestFinished(() => log.close())
    return log
  }

  const notController = expect.objectContaining({ code: ErrorCode.NotController })

  describe(`MetadataLog contract: ${name}`, () => {
    it('starts empty', async () => {
      const { log } = await fresh()
      expect(await log.lastOffset()).toBe(-1)
      expect(await log.read(0)).toEqual([])
    })

    it('round-trips every record type, at offsets from 0 without gaps', async () => {
      const { log } = await fresh()
      const last = await log.append(everyRecordType, { controllerEpoch: 1, expectedLastOffset: -1 })
      expect(last).toBe(everyRecordType.length - 1)
      const more = labelled('a', 'b')
      expect(await log.append(more, { controllerEpoch: 2, expectedLastOffset: last })).toBe(
        last + 2,
      )
      const entries = await log.read(0)
      expect(entries.map((entry) => entry.record)).toEqual([...everyRecordType, ...more])
      expect(entries.map((entry) => entry.offset)).toEqual(range(0, everyRecordType.length + 2))
      expect(entries.map((entry) => entry.controllerEpoch)).toEqual([
        ...everyRecordType.map(() => 1),
        2,
        2,
      ])
      for (const entry of entries) expect(Number.isSafeInteger(entry.timestamp)).toBe(true)
      expect(await log.lastOffset()).toBe(last + 2)
    })

    it('reads from an offset, at most maxEntries', async () => {
      const { log } = await fresh()
      await log.append(labelled('0', '1', '2', '3', '4'), {
        controllerEpoch: 1,
        expectedLastOffset: -1,
      })
      expect((await log.read(2)).map(labelOf)).toEqual(['2', '3', '4'])
      expect((await log.read(1, 2)).map((entry) => entry.offset)).toEqual([1, 2])
      expect(await log.read(1, 0)).toEqual([])
      expect(await log.read(5)).toEqual([])
      expect(await log.read(99, 3)).toEqual([])
    })

    it('refuses an append with a stale expectedLastOffset and appends nothing', async () => {
      const { log } = await fresh()
      await log.append(labelled('a', 'b'), { controllerEpoch: 1, expectedLastOffset: -1 })
      for (const expectedLastOffset of [-1, 0, 2, 10]) {
        await expect(
          log.append(labelled('x', 'y'), { controllerEpoch: 1, expectedLastOffset }),
        ).rejects.toEqual(notController)
      }
      expect(await log.lastOffset()).toBe(1)
      expect((await log.read(0)).map(labelOf)).toEqual(['a', 'b'])
    })

    it("refuses a controller epoch older than the last entry's", async () => {
      const { log } = await fresh()
      await log.append(labelled('a'), { controllerEpoch: 3, expectedLastOffset: -1 })
      await expect(
        log.append(labelled('old'), { controllerEpoch: 2, expectedLastOffset: 0 }),
      ).rejects.toEqual(notController)
      expect(
        await log.append(labelled('same'), { controllerEpoch: 3, expectedLastOffset: 0 }),
      ).toBe(1)
      expect(await log.append(labelled('new'), { controllerEpoch: 4, expectedLastOffset: 1 })).toBe(
        2,
      )
      await expect(
        log.append(labelled('deposed'), { controllerEpoch: 3, expectedLastOffset: 2 }),
      ).rejects.toEqual(notController)
      expect((await log.read(0)).map(labelOf)).toEqual(['a', 'same', 'new'])
    })

    it('appends all records of a call or none', async () => {
      const { log } = await fresh()
      await log.append(labelled('a'), { controllerEpoch: 1, expectedLastOffset: -1 })
      const invalid = { type: 'topic', name: '', topicId: 't' } as MetadataRecord
      await expect(
        log.append([...labelled('b'), invalid, ...labelled('c')], {
          controllerEpoch: 1,
          expectedLastOffset: 0,
        }),
      ).rejects.toThrow()
      expect(await log.lastOffset()).toBe(0)
      expect(
        await log.append(labelled('b', 'c'), { controllerEpoch: 1, expectedLastOffset: 0 }),
      ).toBe(2)
      expect((await log.read(0)).map(labelOf)).toEqual(['a', 'b', 'c'])
    })

    it('an empty append writes nothing, is fenced, and answers the last offset', async () => {
      const { log } = await fresh()
      expect(await log.append([], { controllerEpoch: 1, expectedLastOffset: -1 })).toBe(-1)
      await log.append(labelled('a'), { controllerEpoch: 1, expectedLastOffset: -1 })
      expect(await log.append([], { controllerEpoch: 1, expectedLastOffset: 0 })).toBe(0)
      await expect(log.append([], { controllerEpoch: 1, expectedLastOffset: -1 })).rejects.toEqual(
        notController,
      )
      expect(await log.lastOffset()).toBe(0)
    })

    it('follow delivers the history, then live appends, in order and each once', async () => {
      const { log } = await fresh()
      await log.append(labelled('h0', 'h1', 'h2'), { controllerEpoch: 1, expectedLastOffset: -1 })
      const follower = collect(log, 0)
      await follower.until('h2')
      await log.append(labelled('l3', 'l4'), { controllerEpoch: 1, expectedLastOffset: 2 })
      await log.append(labelled('l5'), { controllerEpoch: 1, expectedLastOffset: 4 })
      // Anything delivered twice would arrive before this last entry.
      await log.append(labelled('end'), { controllerEpoch: 1, expectedLastOffset: 5 })
      await follower.until('end')
      expect(follower.labels()).toEqual(['h0', 'h1', 'h2', 'l3', 'l4', 'l5', 'end'])
      expect(follower.offsets()).toEqual(range(0, 7))
      expect(follower.errors).toEqual([])
    })

    it('follow from a later offset starts there, also beyond the end', async () => {
      const { log } = await fresh()
      await log.append(labelled('0', '1', '2'), { controllerEpoch: 1, expectedLastOffset: -1 })
      const middle = collect(log, 1)
      const beyond = collect(log, 4)
      await log.append(labelled('3', '4', 'end'), { controllerEpoch: 1, expectedLastOffset: 2 })
      await middle.until('end')
      await beyond.until('end')
      expect(middle.labels()).toEqual(['1', '2', '3', '4', 'end'])
      expect(beyond.labels()).toEqual(['4', 'end'])
    })

    it('two subscriptions each get every entry, one made before anything was appended', async () => {
      const { log } = await fresh()
      const early = collect(log, 0)
      await log.append(labelled('a', 'b'), { controllerEpoch: 1, expectedLastOffset: -1 })
      const late = collect(log, 0)
      await log.append(labelled('c', 'end'), { controllerEpoch: 1, expectedLastOffset: 1 })
      await early.until('end')
      await late.until('end')
      expect(early.labels()).toEqual(['a', 'b', 'c', 'end'])
      expect(late.labels()).toEqual(['a', 'b', 'c', 'end'])
    })

    it('a closed subscription gets nothing more', async () => {
      const { log } = await fresh()
      await log.append(labelled('a'), { controllerEpoch: 1, expectedLastOffset: -1 })
      const closed = collect(log, 0)
      const open = collect(log, 0)
      await closed.until('a')
      await open.until('a')
      closed.subscription.close()
      await log.append(labelled('b'), { controllerEpoch: 1, expectedLastOffset: 0 })
      await log.append(labelled('end'), { controllerEpoch: 1, expectedLastOffset: 1 })
      await open.until('end')
      expect(closed.labels()).toEqual(['a'])
      expect(open.labels()).toEqual(['a', 'b', 'end'])
    })

    it('another instance follows appends made by the first, and is fenced by them', async (context) => {
      const fixture = await fresh()
      const other = await another(fixture)
      if (other === undefined) return context.skip('the backend has one instance per log')
      const { log } = fixture
      await log.append(labelled('a'), { controllerEpoch: 1, expectedLastOffset: -1 })
      const here = collect(log, 0)
      const there = collect(other, 0)
      // Both caught up first, so what follows can only reach each through the other instance.
      await here.until('a')
      await there.until('a')
      await log.append(labelled('b'), { controllerEpoch: 1, expectedLastOffset: 0 })
      await there.until('b')
      await expect(
        other.append(labelled('stale'), { controllerEpoch: 1, expectedLastOffset: 0 }),
      ).rejects.toEqual(notController)
      await other.append(labelled('end'), { controllerEpoch: 1, expectedLastOffset: 1 })
      await here.until('end')
      await there.until('end')
      expect(here.labels()).toEqual(['a', 'b', 'end'])
      expect(there.labels()).toEqual(['a', 'b', 'end'])
      expect(await log.lastOffset()).toBe(2)
    })

    it('closing one instance stops its followers, not those of another', async (context) => {
      const fixture = await fresh()
      const other = await another(fixture)
      if (other === undefined) return context.skip('the backend has one instance per log')
      const closedLog = collect(fixture.log, 0)
      const openLog = collect(other, 0)
      await other.append(labelled('a'), { controllerEpoch: 1, expectedLastOffset: -1 })
      await closedLog.until('a')
      await fixture.log.close()
      await expect(
        fixture.log.append(labelled('x'), { controllerEpoch: 1, expectedLastOffset: 0 }),
      ).rejects.toThrow()
      await other.append(labelled('b', 'end'), { controllerEpoch: 1, expectedLastOffset: 0 })
      await openLog.until('end')
      expect(closedLog.labels()).toEqual(['a'])
    })
  })
}
