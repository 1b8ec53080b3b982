import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { ErrorCode, type MetadataLogEntry, natsNames } from '@tributary/core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
// The contract suites live beside the embedded implementations' tests in @tributary/storage,
// which publishes no test code; importing them by path holds both backends to one suite.
import {
  describeMetadataLogContract,
  everyRecordType,
  labelled,
} from '../../storage/test/metadata-log-contract.ts'
import { NatsMetadataLog } from '../src/index.ts'
import { natsServerPerFile } from './nats-server.ts'

const nats = natsServerPerFile()

let clusters = 0
/** A cluster id no other test uses, so each test has its own stream. */
function freshClusterId(): string {
  clusters += 1
  return `log-${process.pid}-${clusters}`
}

/** A connection to this file's server, closed when the test ends. */
async function connection(): Promise<NatsConnection> {
  const connected = await nats().connect()
  onTestFinished(() => connected.close())
  return connected
}

/** A log of cluster `clusterId` on its own connection, closed when the test ends. */
async function openLog(clusterId: string): Promise<NatsMetadataLog> {
  const log = await NatsMetadataLog.open({ connection: await connection(), clusterId })
  onTestFinished(() => log.close())
  return log
}

const labels = (entries: readonly MetadataLogEntry[]) =>
  entries.map((entry) => (entry.record.type === 'config' ? entry.record.value : entry.record.type))

describeMetadataLogContract('NATS JetStream', async () => {
  const clusterId = freshClusterId()
  const connections: NatsConnection[] = []
  const open = async () => {
    const connected = await nats().connect()
    connections.push(connected)
    return NatsMetadataLog.open({ connection: connected, clusterId })
  }
  const log = await open()
  return {
    log,
    openAnother: open,
    cleanup: async () => {
      await log.close()
      const jsm = await jetstreamManager(connections[0] as NatsConnection)
      await jsm.streams.delete(log.names.metadataStream)
      await Promise.all(connections.map((connected) => connected.close()))
    },
  }
})

describe('NatsMetadataLog', () => {
  it('keeps two clusters on one server apart', async () => {
    const [one, two] = await Promise.all([openLog(freshClusterId()), openLog(freshClusterId())])
    expect(one.names.metadataStream).not.toBe(two.names.metadataStream)
    await one.append(labelled('one-a', 'one-b'), { controllerEpoch: 1, expectedLastOffset: -1 })
    await two.append(labelled('two-a'), { controllerEpoch: 5, expectedLastOffset: -1 })
    expect(labels(await one.read(0))).toEqual(['one-a', 'one-b'])
    expect(labels(await two.read(0))).toEqual(['two-a'])
    expect(await two.lastOffset()).toBe(0)
  })

  it('a log opened later on another connection reads every append, across message bounds', async () => {
    const clusterId = freshClusterId()
    const writer = await openLog(clusterId)
    let last = await writer.append(everyRecordType, { controllerEpoch: 1, expectedLastOffset: -1 })
    for (const batch of [['a', 'b', 'c'], ['d'], ['e', 'f']]) {
      last = await writer.append(labelled(...batch), {
        controllerEpoch: 2,
        expectedLastOffset: last,
      })
    }
    const reader = await openLog(clusterId)
    expect(await reader.lastOffset()).toBe(last)
    const all = await reader.read(0)
    expect(all.map((entry) => entry.record)).toEqual([
      ...everyRecordType,
      ...labelled('a', 'b', 'c', 'd', 'e', 'f'),
    ])
    const tail = everyRecordType.length
    // From the middle of one message into the middle of another.
    expect(labels(await reader.read(tail + 1, 3))).toEqual(['b', 'c', 'd'])
    expect((await reader.read(tail + 1, 3)).map((entry) => entry.offset)).toEqual([
      tail + 1,
      tail + 2,
      tail + 3,
    ])
    expect(labels(await reader.read(tail + 4))).toEqual(['e', 'f'])
    // And it is fenced by what it read.
    await expect(
      reader.append(labelled('stale'), { controllerEpoch: 2, expectedLastOffset: last - 1 }),
    ).rejects.toMatchObject({ code: ErrorCode.NotController })
    expect(
      await reader.append(labelled('g'), { controllerEpoch: 2, expectedLastOffset: last }),
    ).toBe(last + 1)
  })

  it('stores one append as one stream message', async () => {
    const log = await openLog(freshClusterId())
    await log.append(labelled('a', 'b', 'c'), { controllerEpoch: 1, expectedLastOffset: -1 })
    await log.append(labelled('d', 'e'), { controllerEpoch: 1, expectedLastOffset: 2 })
    const jsm = await jetstreamManager(await connection())
    const info = await jsm.streams.info(log.names.metadataStream)
    expect(info.state.messages).toBe(2)
    expect(info.config.subjects).toEqual([natsNames(log.names.clusterId).metadataSubject])
  })

  it('of two instances racing to append after the same offset, exactly one succeeds', async () => {
    const clusterId = freshClusterId()
    const [a, b] = await Promise.all([openLog(clusterId), openLog(clusterId)])
    let last = await a.append(labelled('start'), { controllerEpoch: 1, expectedLastOffset: -1 })
    for (let round = 0; round < 10; round++) {
      const options = { controllerEpoch: 1, expectedLastOffset: last }
      const outcomes = await Promise.allSettled([
        a.append(labelled(`a${round}`), options),
        b.append(labelled(`b${round}`), options),
      ])
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(refused.map((outcome) => outcome.reason)).toEqual([
        expect.objectContaining({ code: ErrorCode.NotController }),
      ])
      last += 1
    }
    expect(await b.lastOffset()).toBe(10)
    expect((await a.read(0)).map((entry) => entry.offset)).toEqual(
      Array.from({ length: 11 }, (_, i) => i),
    )
  })

  it('reports a damaged message through read, follow and append, after the good entries', async () => {
    const log = await openLog(freshClusterId())
    await log.append(labelled('a', 'b'), { controllerEpoch: 1, expectedLastOffset: -1 })
    // Someone else's message on the log's subject: no offset headers, no records.
    await jetstream(await connection()).publish(log.names.metadataSubject, '{not json')

    const corrupt = { code: ErrorCode.CorruptMessage }
    await expect(log.read(0)).rejects.toMatchObject(corrupt)
    await expect(log.read(1, 2)).rejects.toMatchObject(corrupt)
    expect(labels(await log.read(0, 2))).toEqual(['a', 'b'])
    await expect(log.lastOffset()).rejects.toMatchObject(corrupt)
    await expect(
      log.append(labelled('c'), { controllerEpoch: 1, expectedLastOffset: 1 }),
    ).rejects.toMatchObject(corrupt)
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
    expect(labels(entries)).toEqual(['a', 'b'])
  })

  it('refuses bad arguments and options, and works no more once closed', async () => {
    const connected = await connection()
    await expect(
      NatsMetadataLog.open({ connection: connected, clusterId: 'not a cluster id' }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidConfig })
    await expect(
      NatsMetadataLog.open({ connection: connected, clusterId: freshClusterId(), replicas: 0 }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidConfig })
    const log = await openLog(freshClusterId())
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
