import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream'
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node'
import { Redis } from 'ioredis'
import { closedLoop, type LoadOptions, type Sample } from './load.ts'

const STREAM = 'BENCH'
const SUBJECT = 'bench.events'
const BRACE_QUOTE_E = 0x65 // a JetStream ack is {"stream":…,"seq":…}; an error is {"error":…}

interface Batch {
  remaining: number
  failed: boolean
  done: (ok: boolean) => void
}

/**
 * NATS JetStream (file storage, one replica) published to two ways: through `@nats-io/jetstream`
 * (`js.publish`, one promise per message, all of a batch in flight at once) and raw: core NATS
 * publishes with a reply subject each, acks matched by the reply subject's suffix.
 */
export class JetStreamPeer {
  #ackPrefix = `${createInbox()}.`
  #nextId = 0
  #pending = new Map<number, Batch>()

  private constructor(
    private readonly jsConnection: NatsConnection,
    private readonly rawConnection: NatsConnection,
  ) {
    rawConnection.subscribe(`${this.#ackPrefix}*`, {
      callback: (error, msg) => {
        if (error !== null) return
        const id = Number(msg.subject.slice(this.#ackPrefix.length))
        const batch = this.#pending.get(id)
        if (batch === undefined) return
        this.#pending.delete(id)
        if (msg.data[2] === BRACE_QUOTE_E) batch.failed = true
        if (--batch.remaining === 0) batch.done(!batch.failed)
      },
    })
  }

  static async start(port: number): Promise<JetStreamPeer> {
    const servers = `127.0.0.1:${port}`
    const jsConnection = await connect({ servers })
    const rawConnection = await connect({ servers })
    const jsm = await jetstreamManager(jsConnection)
    await jsm.streams.add({
      name: STREAM,
      subjects: ['bench.>'],
      storage: StorageType.File,
      num_replicas: 1,
    })
    return new JetStreamPeer(jsConnection, rawConnection)
  }

  /** `options.concurrency` batches in flight, each `records` messages awaited together. */
  publishAsync(options: LoadOptions, value: Uint8Array, records: number): Promise<Sample> {
    const js = jetstream(this.jsConnection)
    return closedLoop(options, async () => {
      const acks = []
      for (let i = 0; i < records; i++) acks.push(js.publish(SUBJECT, value))
      await Promise.all(acks)
      return records
    })
  }

  /** The same shape with raw acks: a window of `concurrency × records` messages in flight. */
  publishRaw(options: LoadOptions, value: Uint8Array, records: number): Promise<Sample> {
    const nc = this.rawConnection
    return closedLoop(options, async () => {
      const ok = await new Promise<boolean>((done) => {
        const batch: Batch = { remaining: records, failed: false, done }
        for (let i = 0; i < records; i++) {
          const id = this.#nextId++
          this.#pending.set(id, batch)
          nc.publish(SUBJECT, value, { reply: `${this.#ackPrefix}${id}` })
        }
      })
      return ok ? records : 0
    })
  }

  async close(): Promise<void> {
    await this.jsConnection.close()
    await this.rawConnection.close()
  }
}

/** Redis Streams: one XADD per record, a batch's XADDs sent as one ioredis pipeline. */
export class RedisPeer {
  #key = 'bench-stream'

  private constructor(private readonly redis: Redis) {}

  static async start(port: number): Promise<RedisPeer> {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true })
    await redis.connect()
    return new RedisPeer(redis)
  }

  /** `options.concurrency` pipelines in flight, each of `records` XADDs. */
  async xadd(options: LoadOptions, value: Uint8Array, records: number): Promise<Sample> {
    const buffer = Buffer.from(value)
    const sample = await closedLoop(options, async () => {
      const pipeline = this.redis.pipeline()
      for (let i = 0; i < records; i++) pipeline.xadd(this.#key, '*', 'v', buffer)
      const results = await pipeline.exec()
      if (results === null || results.some(([error]) => error !== null)) return 0
      return records
    })
    // Redis keeps everything in memory: drop the stream between measurements (not timed; DEL,
    // not UNLINK, so the freeing is done before the next system starts).
    await this.redis.del(this.#key)
    return sample
  }

  async close(): Promise<void> {
    await this.redis.quit()
  }
}
