import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  createTopic,
  produce,
  rest,
  startCluster,
  type TestCluster,
  TestConsumer,
  unb64,
} from './cluster.ts'

/*
 * A consumer instance's records as Server-Sent Events over real HTTP, read with fetch()
 * streaming: one event per record, resumed after Last-Event-ID on reconnect, and an error event
 * when the instance goes away.
 */

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster({ offsetsTopicNumPartitions: 2 })
})

afterAll(async () => {
  await cluster?.close()
})

interface ServerEvent {
  id?: string
  event?: string
  data?: string
}

/** An open event stream: its events as they are parsed, and a way to wait for some. */
class EventReader {
  readonly events: ServerEvent[] = []
  readonly comments: string[] = []
  ended = false
  readonly #done: Promise<void>
  #waiters: (() => void)[] = []

  constructor(readonly response: Response) {
    this.#done = this.#read()
  }

  async #read(): Promise<void> {
    const reader = (this.response.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let end = buffer.indexOf('\n\n')
        while (end >= 0) {
          this.#parse(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
          end = buffer.indexOf('\n\n')
        }
        this.#wake()
      }
    } catch {
      // Aborted by the test.
    }
    this.ended = true
    this.#wake()
  }

  #parse(block: string): void {
    const event: ServerEvent = {}
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line)
        continue
      }
      const colon = line.indexOf(':')
      const field = line.slice(0, colon)
      const value = line.slice(colon + 1).replace(/^ /, '')
      if (field === 'id' || field === 'event' || field === 'data') event[field] = value
    }
    if (Object.keys(event).length > 0) this.events.push(event)
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  /** Resolves once `count` events came, or the stream ended; throws after a generous bound. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<ServerEvent[]> {
    const deadline = Date.now() + timeoutMs
    while (this.events.length < count && !this.ended) {
      if (Date.now() > deadline) throw new Error(`only ${this.events.length} events of ${count}`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
    return this.events
  }

  async ending(): Promise<void> {
    await this.#done
  }
}

async function openStream(
  consumer: TestConsumer,
  controller: AbortController,
  lastEventId?: string,
): Promise<Response> {
  return fetch(`${cluster.url}${consumer.path}/records`, {
    headers: {
      accept: 'text/event-stream',
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    },
    signal: controller.signal,
  })
}

describe('the event stream', () => {
  test('streams each record as an event and resumes after Last-Event-ID', async () => {
    await createTopic(cluster, 's-events', 1)
    const consumer = await TestConsumer.create(cluster, 'g-events', {
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
    })
    await consumer.subscribe(['s-events'])

    const first = new AbortController()
    const response = await openStream(consumer, first)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const stream = new EventReader(response)
    await produce(cluster, 's-events', [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
    const events = await stream.waitFor(3)
    expect(events.map((event) => [event.id, event.event])).toEqual([
      ['s-events:0:0', 'record'],
      ['s-events:0:1', 'record'],
      ['s-events:0:2', 'record'],
    ])
    const record = JSON.parse(events[1]?.data ?? '{}')
    expect(record).toMatchObject({ topic: 's-events', partition: 0, offset: 1, key: null })
    expect(unb64(record.value)).toBe('b')
    first.abort()
    await stream.ending()

    // Reconnect having seen only the first record: the others come again.
    const second = new AbortController()
    const resumed = new EventReader(await openStream(consumer, second, 's-events:0:0'))
    const again = await resumed.waitFor(2)
    expect(again.map((event) => event.id)).toEqual(['s-events:0:1', 's-events:0:2'])
    await produce(cluster, 's-events', [{ value: 'd' }])
    expect((await resumed.waitFor(3))[2]?.id).toBe('s-events:0:3')
    second.abort()
    await resumed.ending()
  })

  test('an unknown instance is a plain 404; an instance deleted mid-stream ends it with an error event', async () => {
    const missing = await fetch(`${cluster.url}/consumers/g-gone/instances/nobody/records`, {
      headers: { accept: 'text/event-stream' },
    })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error_code: 40403 })

    await createTopic(cluster, 's-gone', 1)
    const consumer = await TestConsumer.create(cluster, 'g-gone', {
      'auto.offset.reset': 'earliest',
    })
    await consumer.subscribe(['s-gone'])
    const stream = new EventReader(await openStream(consumer, new AbortController()))
    await produce(cluster, 's-gone', [{ value: 'x' }])
    await stream.waitFor(1)
    expect((await rest(cluster, consumer.path, { method: 'DELETE' })).status).toBe(204)
    await stream.waitFor(2)
    await stream.ending()
    const last = stream.events.at(-1)
    expect(last?.event).toBe('error')
    expect(JSON.parse(last?.data ?? '{}')).toEqual({
      error_code: 40403,
      message: 'Consumer instance not found.',
    })
    expect(stream.ended).toBe(true)
  })
})
