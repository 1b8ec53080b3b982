/**
 * One consumer of the consumer-group fault scenario, run inside the test process: a REST Proxy
 * v2 consumer instance in the group (binary format, earliest, auto commit off) that loops
 * assignments → poll → process → commit (the offsets of the last records processed), recording
 * every request and every record processed in the shared history. It honours the API's
 * answers as a REST Proxy client should: 40403 (its instance is gone: it expired, or was lost,
 * which the scenario reports, since instances survive coordinator moves) makes it create a new
 * instance (a new member, under a new name) and subscribe again; 40903 on a commit (it no longer owns the partition) drops that
 * commit, since another member will deliver those records again; 5xx and unanswered requests
 * are retried after a pause. The scenario can kill it in the middle of a batch or stall it
 * between processing and committing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { call, type Reply, unb64, V2, V2_BINARY } from '../harness/rest.ts'
import type {
  HistoryRecorder,
  MemberOpKind,
  Outcome,
  PartitionOffset,
} from './consumers-history.ts'

/** A member's client bound on one request: past the gateway's own coordinator retries (10 s) and a read's wait. */
const REQUEST_TIMEOUT_MS = 30_000
/** The pause after a request that failed without a verdict (5xx, no answer). */
const RETRY_PAUSE_MS = 250
/** How long a read waits for records (the `timeout` of `GET …/records`). */
const POLL_WAIT_MS = 500
/** The byte cap of one read, so batches stay a few dozen records long. */
const POLL_MAX_BYTES = 2_048
/** How long "processing" a batch takes. */
const PROCESS_MS = 5
/** Tries of one commit that gets no verdict before it is given up (its records come again). */
const COMMIT_TRIES = 3

export interface MemberOptions {
  readonly gateway: string
  readonly group: string
  readonly topic: string
  /** Its instances are named `<name>-<n>`, n counting the instances it created. */
  readonly name: string
  readonly sessionTimeoutMs: number
  readonly recorder: HistoryRecorder
}

interface Delivered {
  readonly partition: number
  readonly offset: number
  readonly value: string
}

/** A consumer loop (see the file comment); `start` it, then `stop`, `kill` or `stall` it. */
export class GroupMember {
  readonly #options: MemberOptions
  #instance: { readonly id: string; readonly base: string } | undefined
  #created = 0
  #stopping = false
  #loop: Promise<void> | undefined
  #killAt: (() => void) | undefined
  #stallFor: { readonly ms: number; readonly done: () => void } | undefined
  #processed = 0

  constructor(options: MemberOptions) {
    this.#options = options
  }

  /** Records processed so far. */
  get processed(): number {
    return this.#processed
  }

  /** The consumer instance it uses now, if any. */
  get instance(): string | undefined {
    return this.#instance?.id
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  /** Finishes the current round, deletes its instance, and ends the loop. */
  async stop(): Promise<void> {
    this.#stopping = true
    await this.#loop
  }

  /**
   * The crash of a consumer mid-batch: at its next batch it processes the first half and then
   * makes no request again (its instance is left to expire). Resolves once it has stopped.
   */
  kill(): Promise<void> {
    return new Promise((done) => {
      this.#killAt = done
    })
  }

  /**
   * A stall past the session timeout: at its next batch it processes everything, waits `ms`
   * without a request, then commits (refused, if its session expired) and goes on. Resolves
   * once that commit is answered.
   */
  stall(ms: number): Promise<void> {
    return new Promise((done) => {
      this.#stallFor = { ms, done }
    })
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const instance = this.#instance
      if (instance === undefined) {
        await this.#join()
        continue
      }
      if (!(await this.#assignments(instance.base))) continue
      const batch = await this.#poll(instance.base)
      if (batch === undefined || batch.length === 0) continue
      const kill = this.#killAt
      if (kill !== undefined) {
        this.#process(instance.id, batch.slice(0, Math.ceil(batch.length / 2)))
        kill()
        return
      }
      this.#process(instance.id, batch)
      await sleep(PROCESS_MS)
      const stall = this.#stallFor
      if (stall !== undefined) {
        this.#stallFor = undefined
        await sleep(stall.ms)
      }
      await this.#commit(instance.base, batch)
      stall?.done()
    }
    const instance = this.#instance
    if (instance !== undefined) {
      await this.#send(instance.id, 'delete', instance.base, {
        method: 'DELETE',
        headers: { 'content-type': V2 },
      })
      this.#instance = undefined
    }
  }

  /** A new instance under a new name, subscribed to the topic; left unset if either step fails. */
  async #join(): Promise<void> {
    const { gateway, group, topic, name, sessionTimeoutMs } = this.#options
    const id = `${name}-${++this.#created}`
    const created = await this.#send(id, 'create', `${gateway}/consumers/${group}`, {
      method: 'POST',
      json: {
        name: id,
        format: 'binary',
        'auto.offset.reset': 'earliest',
        'auto.commit.enable': 'false',
        'session.timeout.ms': sessionTimeoutMs,
      },
    })
    if (created?.status !== 200) return this.#pause()
    const base = `${gateway}/consumers/${group}/instances/${id}`
    const subscribed = await this.#send(id, 'subscribe', `${base}/subscription`, {
      method: 'POST',
      json: { topics: [topic] },
    })
    // A failed subscription leaves an instance that owns nothing; it expires.
    if (subscribed?.status !== 204) return this.#pause()
    this.#instance = { id, base }
  }

  /** Reads its assignment; false (and the instance forgotten when gone) unless answered. */
  async #assignments(base: string): Promise<boolean> {
    const id = this.#instance?.id as string
    const reply = await this.#send(id, 'assignments', `${base}/assignments`, {}, (body) =>
      (body as { partitions: { topic: string; partition: number }[] }).partitions
        .filter((tp) => tp.topic === this.#options.topic)
        .map((tp) => tp.partition),
    )
    return await this.#settled(reply)
  }

  async #poll(base: string): Promise<Delivered[] | undefined> {
    const id = this.#instance?.id as string
    const reply = await this.#send(
      id,
      'poll',
      `${base}/records?timeout=${POLL_WAIT_MS}&max_bytes=${POLL_MAX_BYTES}`,
      { headers: { accept: V2_BINARY } },
      (body) => [...new Set((body as { partition: number }[]).map((record) => record.partition))],
    )
    if (!(await this.#settled(reply)) || reply === undefined) return undefined
    return (reply.body as { partition: number; offset: number; value: string | null }[]).map(
      (record) => ({
        partition: record.partition,
        offset: record.offset,
        value: unb64(record.value) ?? '',
      }),
    )
  }

  #process(member: string, records: readonly Delivered[]): void {
    const { recorder } = this.#options
    for (const record of records) {
      recorder.processed.push({ member, ...record, atMs: recorder.now() })
    }
    this.#processed += records.length
  }

  /** Commits the last offset processed of each partition in `batch` (REST convention: stored + 1). */
  async #commit(base: string, batch: readonly Delivered[]): Promise<void> {
    const last = new Map<number, number>()
    for (const record of batch) {
      last.set(record.partition, Math.max(last.get(record.partition) ?? -1, record.offset))
    }
    const { topic } = this.#options
    const offsets: PartitionOffset[] = [...last].map(([partition, offset]) => ({
      partition,
      offset: offset + 1,
    }))
    const json = {
      offsets: [...last].map(([partition, offset]) => ({ topic, partition, offset })),
    }
    for (let attempt = 1; attempt <= COMMIT_TRIES; attempt++) {
      const id = this.#instance?.id as string
      const reply = await this.#send(
        id,
        'commit',
        `${base}/offsets`,
        { method: 'POST', json },
        () => offsets.map((offset) => offset.partition),
        offsets,
      )
      if (await this.#settled(reply)) return
      // Answered either way: refused (40903: the partition moved), or gone (40403).
      if (reply !== undefined && reply.status < 500) return
    }
  }

  /** Whether a reply is a success; on 40403 forgets the instance, after other failures pauses. */
  async #settled(reply: Reply | undefined): Promise<boolean> {
    if (reply !== undefined && reply.status >= 200 && reply.status < 300) return true
    if (reply?.status === 404 && reply.body?.error_code === 40403) this.#instance = undefined
    else await this.#pause()
    return false
  }

  #pause(): Promise<void> {
    return sleep(RETRY_PAUSE_MS)
  }

  /** One request of member `id`, recorded with its span and outcome; undefined when unanswered. */
  async #send(
    id: string,
    op: MemberOpKind,
    url: string,
    init: Parameters<typeof call>[1],
    holdsOf?: (body: unknown) => number[],
    offsets?: readonly PartitionOffset[],
  ): Promise<Reply | undefined> {
    const { recorder } = this.#options
    const invokeMs = recorder.now()
    let reply: Reply | undefined
    try {
      reply = await call(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    } catch {
      reply = undefined
    }
    const outcome: Outcome =
      reply === undefined || reply.status >= 500 ? 'unknown' : reply.status < 300 ? 'ok' : 'failed'
    recorder.memberOps.push({
      member: id,
      op,
      invokeMs,
      completeMs: recorder.now(),
      outcome,
      holds: outcome === 'ok' && holdsOf !== undefined ? holdsOf(reply?.body) : [],
      ...(offsets === undefined ? {} : { offsets }),
      ...(outcome === 'ok'
        ? {}
        : { error: `${reply?.status ?? 'no answer'} ${reply?.body?.error_code ?? ''}`.trim() }),
    })
    return reply
  }
}
