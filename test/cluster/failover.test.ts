// Issue 5, controller failover on a cluster of real processes over a real nats-server: the active
// controller SIGKILLed, then (on the same cluster) the next active one SIGSTOPped past its lease
// and resumed. Bounds are generous upper limits, never timing claims.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  brokersConverged,
  type ControllerHandle,
  clusterPerFile,
  type MetadataLogReader,
  openMetadataLog,
  TEST_SESSION_TIMEOUT_MS,
  waitUntil,
} from '../harness/cluster.ts'
import { call, produceTo } from '../harness/rest.ts'

/** The controllers' lease: the controller's default, which the harness keeps. */
const LEASE_MS = 3_000
/** What a takeover may take beyond the lease on a loaded 2-core machine. */
const TAKEOVER_BOUND_MS = LEASE_MS + 17_000
/** How long the brokers may take to agree on the log's end after a change. */
const CONVERGE_BOUND_MS = 30_000

const cluster = clusterPerFile({ controllers: 3, brokers: 3, gateways: 1 })
let metadata: MetadataLogReader

beforeAll(async () => {
  metadata = await openMetadataLog(cluster())
})
afterAll(async () => {
  await metadata?.close()
})

const gateway = () => cluster().gateways[0] as string

/** Creates a topic through the gateway's v3 API; answers the HTTP status and body. */
function createTopic(name: string, partitions: number) {
  return call(`${gateway()}/v3/clusters/${cluster().clusterId}/topics`, {
    method: 'POST',
    contentType: 'application/json',
    json: { topic_name: name, partitions_count: partitions },
  })
}

/** The topic names the gateway lists through v3, sorted (a repeated name shows twice). */
async function topicNames(): Promise<string[]> {
  const reply = await call(`${gateway()}/v3/clusters/${cluster().clusterId}/topics`)
  expect(reply.status).toBe(200)
  return (reply.body.data as { topic_name: string }[]).map((topic) => topic.topic_name).sort()
}

/**
 * Waits until every broker agrees on the log's current end, and checks that what they agree on
 * is the image the log itself replays to (same offset, same digest). Answers that offset.
 */
async function expectBrokersAtLogEnd(): Promise<number> {
  const end = await metadata.log.lastOffset()
  const converged = await brokersConverged(cluster(), {
    atLeastOffset: end,
    timeoutMs: CONVERGE_BOUND_MS,
  })
  const replayed = await metadata.replay(converged.metadataOffset)
  expect(replayed.image.offset).toBe(converged.metadataOffset)
  expect(converged.metadataDigest).toBe(replayed.digest)
  return converged.metadataOffset
}

/** The controller epochs of the whole log, entry by entry. */
async function epochsOfLog(): Promise<number[]> {
  return (await metadata.entries()).map((entry) => entry.controllerEpoch)
}

/** How many topic records named `name` the whole log holds. */
async function topicRecordsNamed(name: string): Promise<number> {
  const entries = await metadata.entries()
  return entries.filter(({ record }) => record.type === 'topic' && record.name === name).length
}

describe('controller failover on NATS (3 controllers, 3 brokers, 1 gateway)', () => {
  it('starts with every broker at the log end, holding the image the log replays to', async () => {
    expect((await createTopic('before', 3)).status).toBe(201)
    await expectBrokersAtLogEnd()
  })

  it('SIGKILL of the active controller: another takes over, the brokers converge, before and after an admin change', async () => {
    const killed = await cluster().activeController()
    const epochBefore = (await killed.health()).controllerEpoch
    const offsetBefore = await metadata.log.lastOffset()
    await cluster().killController(killed.nodeId, 'SIGKILL')
    expect(killed.running).toBe(false)

    const next = await cluster().activeController({ except: killed, timeoutMs: TAKEOVER_BOUND_MS })
    expect(next.nodeId).not.toBe(killed.nodeId)
    expect((await next.health()).controllerEpoch).toBeGreaterThan(epochBefore)

    // Every broker agrees on the log's end, whatever the takeover appended (if anything).
    expect(await expectBrokersAtLogEnd()).toBeGreaterThanOrEqual(offsetBefore)

    // An admin change through the gateway lands once, in the new term, and every broker sees it.
    const offsetBeforeChange = await metadata.log.lastOffset()
    expect((await createTopic('after-kill', 3)).status).toBe(201)
    expect(await expectBrokersAtLogEnd()).toBeGreaterThan(offsetBeforeChange)
    const { image } = await metadata.replay()
    expect(image.topic('after-kill')?.partitions).toHaveLength(3)
    expect(image.controllerEpoch).toBe((await next.health()).controllerEpoch)
    expect(await topicRecordsNamed('after-kill')).toBe(1)

    // The data plane serves the topics of both terms.
    expect(await produceTo(gateway(), 'before', 0, ['b'])).toEqual([0])
    expect(await produceTo(gateway(), 'after-kill', 2, ['a'])).toEqual([0])
  }, 90_000)

  it('SIGSTOP of the active controller past its lease: after SIGCONT it steps down, nothing of its term follows the new term, and admin works exactly once', async () => {
    const paused = await cluster().activeController()
    const pausedEpoch = (await paused.health()).controllerEpoch
    await cluster().killController(paused.nodeId, 'SIGSTOP')
    let resumed = false
    try {
      expect(paused.running).toBe(true)
      // It still holds the lease; another candidate takes it once it runs out.
      const next = await cluster().activeController({
        except: paused,
        timeoutMs: TAKEOVER_BOUND_MS,
      })
      const nextEpoch = (await next.health()).controllerEpoch
      expect(nextEpoch).toBeGreaterThan(pausedEpoch)

      // An admin change through the gateway in the new term (over NATS, where the paused one
      // also gets the request and never answers: the client asks again past it).
      const gateway = cluster().gateways[0] as string
      const altered = await call(
        `${gateway}/v3/clusters/${cluster().clusterId}/topics/before/configs:alter`,
        {
          method: 'POST',
          contentType: 'application/json',
          json: { data: [{ name: 'retention.ms', value: '123456' }] },
        },
      )
      expect(altered.status, JSON.stringify(altered.body)).toBe(204)
      const newTermAppended = (await metadata.entries()).some(
        (entry) => entry.controllerEpoch === nextEpoch,
      )
      expect(newTermAppended).toBe(true)

      await paused.kill('SIGCONT')
      resumed = true
      // The resumed controller notices it lost the lease, or the log fences its first append.
      await waitUntil(
        async () => (await paused.health()).active === false,
        `${paused.nodeId} steps down after SIGCONT`,
        TAKEOVER_BOUND_MS,
      )
      await paused.process.line('no longer the active controller', TAKEOVER_BOUND_MS)
      await expectOneActive(next)

      // Every broker (fenced meanwhile or not) is back in service and agrees with the log.
      await expectBrokersAtLogEnd()
      // Another admin change after SIGCONT, through the gateway: it works, and exactly once.
      const after = await createTopic('after-cont', 3)
      expect(after.status, JSON.stringify(after.body)).toBe(201)
      await expectBrokersAtLogEnd()
      expect(await topicRecordsNamed('after-cont')).toBe(1)
      expect(await topicNames()).toEqual(['after-cont', 'after-kill', 'before'])
      const { image } = await metadata.replay()
      expect(image.topic('before')?.configs['retention.ms']).toBe('123456')
      expect(image.controllerEpoch).toBe(nextEpoch)

      // Epochs never decrease from entry to entry: nothing of the old term after the new one's first.
      const epochs = await epochsOfLog()
      for (let offset = 1; offset < epochs.length; offset++) {
        expect(epochs[offset], `controller epoch at offset ${offset}`).toBeGreaterThanOrEqual(
          epochs[offset - 1] as number,
        )
      }
      const firstOfNewTerm = epochs.indexOf(nextEpoch)
      expect(firstOfNewTerm).toBeGreaterThan(-1)
      expect(epochs.slice(firstOfNewTerm).every((epoch) => epoch >= nextEpoch)).toBe(true)
    } finally {
      if (!resumed) await paused.kill('SIGCONT')
    }
  }, 120_000)

  // A paused controller still subscribes to the controller subjects: requests reach it too, and
  // it never answers. Clients ask again after each attempt's timeout (NatsControllerClient), and
  // the successor opened its term on the log, so nothing the paused one does on resuming lands.
  it('keeps admin through the gateway and the brokers working while a deposed controller is paused', async () => {
    const paused = await cluster().activeController()
    const offsetAtPause = await metadata.log.lastOffset()
    await cluster().killController(paused.nodeId, 'SIGSTOP')
    try {
      await cluster().activeController({ except: paused, timeoutMs: TAKEOVER_BOUND_MS })
      // Admin changes through the gateway while it stays paused for twice the brokers' session
      // timeout: each is answered, and no broker loses its session meanwhile.
      const holdUntil = Date.now() + 2 * TEST_SESSION_TIMEOUT_MS
      for (let n = 0; n < 4 || Date.now() < holdUntil; n++) {
        const created = await createTopic(`during-stop-${n}`, 3)
        expect(created.status, JSON.stringify(created.body)).toBe(201)
        await sleep(500)
      }
      const fences = (await metadata.entries()).filter(
        (entry) => entry.offset > offsetAtPause && entry.record.type === 'fence-broker',
      )
      expect(fences).toEqual([])
      await expectBrokersAtLogEnd()
    } finally {
      await paused.kill('SIGCONT')
    }
  }, 120_000)
})

/** Waits until exactly one controller says it is active, and that one is `expected`. */
async function expectOneActive(expected: ControllerHandle): Promise<void> {
  let last: string[] = []
  await waitUntil(
    async () => {
      const answers = await Promise.all(
        cluster().controllers.map(async (handle) => ({ handle, active: await handle.active() })),
      )
      last = answers.filter((answer) => answer.active).map((answer) => answer.handle.nodeId)
      return last.length === 1 && last[0] === expected.nodeId
    },
    `${expected.nodeId} the only active controller`,
    TAKEOVER_BOUND_MS,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; active: ${JSON.stringify(last)}`)
  })
}
