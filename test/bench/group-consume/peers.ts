import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
} from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Redis } from 'ioredis'
import { payload } from '../http-produce/tributary.ts'
import { type ConsumeSample, Progress } from './sample.ts'

const STREAM = 'GROUPS'
const SUBJECT = 'groups.events'
const REDIS_KEY = 'groups-stream'
const PUBLISH_WINDOW = 1000

/**
 * NATS JetStream (file storage, one replica): the stream filled once, then per measurement a
 * fresh durable pull consumer (deliver all, ack all) that `consumers` clients, each on its own
 * connection, read with `consume()` (pulls of `batch` messages, refilled as they drain, the
 * library's high-throughput path), each acking the last message of every `batch` it got, which
 * with AckPolicy.All acknowledges the batch: one ack per batch, as Tributary commits once per
 * poll.
 */
export class JetStreamConsume {
  #round = 0

  private constructor(
    private readonly port: number,
    private readonly admin: NatsConnection,
  ) {}

  static async start(port: number): Promise<JetStreamConsume> {
    const admin = await connect({ servers: `127.0.0.1:${port}` })
    const jsm = await jetstreamManager(admin)
    await jsm.streams.add({
      name: STREAM,
      subjects: [SUBJECT],
      storage: StorageType.File,
      num_replicas: 1,
    })
    return new JetStreamConsume(port, admin)
  }

  /** Publishes `records` values, a window of acks in flight. */
  async fill(records: number, valueBytes: number): Promise<void> {
    const js = jetstream(this.admin)
    const value = payload(valueBytes)
    for (let sent = 0; sent < records; ) {
      const n = Math.min(PUBLISH_WINDOW, records - sent)
      await Promise.all(Array.from({ length: n }, () => js.publish(SUBJECT, value)))
      sent += n
    }
    const jsm = await jetstreamManager(this.admin)
    const info = await jsm.streams.info(STREAM)
    if (info.state.messages !== records) {
      throw new Error(`published ${records} messages, the stream holds ${info.state.messages}`)
    }
  }

  async consume(
    consumers: number,
    batch: number,
    records: number,
    valueBytes: number,
  ): Promise<ConsumeSample> {
    const durable = `bench_${++this.#round}_${consumers}`
    const jsm = await jetstreamManager(this.admin)
    await jsm.consumers.add(STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: records + batch * consumers,
    })
    const connections = await Promise.all(
      Array.from({ length: consumers }, () => connect({ servers: `127.0.0.1:${this.port}` })),
    )
    const seen = new Uint8Array(records + 1)
    try {
      // Not timed: connecting and binding to the consumer.
      const bound = await Promise.all(
        connections.map((nc) => jetstream(nc).consumers.get(STREAM, durable)),
      )
      const progress = new Progress(records, valueBytes)
      const clients = bound.map(async (consumer) => {
        const messages = await consumer.consume({ max_messages: batch })
        void progress.done.then(() => messages.stop())
        let inBatch = 0
        for await (const message of messages) {
          if (message.data.length !== valueBytes) throw new Error('unexpected message size')
          const fresh = seen[message.seq] === 0
          seen[message.seq] = 1
          progress.add(1, fresh ? 1 : 0)
          if (++inBatch === batch || progress.finished) {
            message.ack()
            progress.batch()
            inBatch = 0
          }
          if (progress.finished) break
        }
      })
      await Promise.all(clients)
      return progress.sample()
    } finally {
      await Promise.all(connections.map((nc) => nc.close()))
      await jsm.consumers.delete(STREAM, durable).catch(() => false)
    }
  }

  close(): Promise<void> {
    return this.admin.close()
  }
}

/**
 * Redis Streams: the stream filled once (pipelined XADD), then per measurement a fresh
 * consumer group (XGROUP CREATE … 0) read by `consumers` clients, each on its own
 * connection, with XREADGROUP COUNT `batch` and one XACK of the batch's ids after each read.
 */
export class RedisConsume {
  #round = 0

  private constructor(
    private readonly port: number,
    private readonly admin: Redis,
  ) {}

  static async start(port: number): Promise<RedisConsume> {
    const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true })
    await admin.connect()
    return new RedisConsume(port, admin)
  }

  async fill(records: number, valueBytes: number): Promise<void> {
    const value = Buffer.from(payload(valueBytes))
    for (let sent = 0; sent < records; ) {
      const n = Math.min(PUBLISH_WINDOW, records - sent)
      const pipeline = this.admin.pipeline()
      for (let i = 0; i < n; i++) pipeline.xadd(REDIS_KEY, '*', 'v', value)
      await pipeline.exec()
      sent += n
    }
    const length = await this.admin.xlen(REDIS_KEY)
    if (length !== records) throw new Error(`added ${records} entries, the stream holds ${length}`)
  }

  async consume(
    consumers: number,
    batch: number,
    records: number,
    valueBytes: number,
  ): Promise<ConsumeSample> {
    const group = `bench-${++this.#round}-${consumers}`
    await this.admin.xgroup('CREATE', REDIS_KEY, group, '0')
    const clients = await Promise.all(
      Array.from({ length: consumers }, async () => {
        const redis = new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: true })
        await redis.connect()
        return redis
      }),
    )
    const progress = new Progress(records, valueBytes)
    try {
      await Promise.all(
        clients.map(async (redis, i) => {
          while (!progress.finished) {
            const reply = (await redis.xreadgroupBuffer(
              'GROUP',
              group,
              `c${i}`,
              'COUNT',
              batch,
              'STREAMS',
              REDIS_KEY,
              '>',
            )) as [Buffer, [Buffer, Buffer[]][]][] | null
            const entries = reply?.[0]?.[1] ?? []
            // Nothing left to hand out: the others hold the rest.
            if (entries.length === 0) return
            for (const [, fields] of entries) {
              if (fields[1]?.length !== valueBytes) throw new Error('unexpected entry size')
            }
            progress.add(entries.length, entries.length)
            await redis.xack(REDIS_KEY, group, ...entries.map(([id]) => id))
            progress.batch()
          }
        }),
      )
      return progress.sample()
    } finally {
      await Promise.all(clients.map((redis) => redis.quit()))
      await this.admin.xgroup('DESTROY', REDIS_KEY, group)
    }
  }

  close(): Promise<void> {
    return this.admin.quit().then(() => undefined)
  }
}
