import { type ControllerElection, type ControllerLeadership, ErrorCode } from '@tributary/core'
import { describe, expect, it, onTestFinished } from 'vitest'

/**
 * The contract every ControllerElection implementation keeps (embedded SQLite lease, NATS
 * key-value lease …). Each test makes a fresh backend through the factory, then opens one
 * election per candidate on it, the way separate controller processes would.
 */

export interface ElectionFixture {
  /** A new participant on this fixture's backend (another process's view); the suite closes it. */
  readonly open: () => Promise<ControllerElection>
  /**
   * Makes every lease held now run out, as if its holder had stalled for longer than the lease
   * (e.g. by moving an injected clock past it).
   */
  readonly expireLeases: () => Promise<void>
  /** Removes whatever the fixture created. */
  readonly cleanup: () => Promise<void>
}

/**
 * How long a test watches for something that must not happen (a second leader) before going on.
 * Long enough for several of a backend's poll rounds; never what a test measures.
 */
export const QUIET_MS = 300
const DEADLINE_MS = 10_000

/** `promise`'s value, or a rejection naming `what` after DEADLINE_MS. */
export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not within ${DEADLINE_MS} ms`)),
      DEADLINE_MS,
    )
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/** Whether `promise` has settled, after `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false
  promise.then(
    () => {
      settled = true
    },
    () => {
      settled = true
    },
  )
  await new Promise((resolve) => setTimeout(resolve, ms))
  return settled
}

export function describeElectionContract(
  name: string,
  makeElection: () => Promise<ElectionFixture>,
): void {
  async function fresh() {
    const fixture = await makeElection()
    onTestFinished(() => fixture.cleanup())
    const open = async () => {
      const election = await fixture.open()
      onTestFinished(() => election.close())
      return election
    }
    return { ...fixture, open }
  }

  /** Campaigns without waiting; the promise never rejects unhandled. */
  function campaign(election: ControllerElection, candidateId: string) {
    const won = election.campaign(candidateId)
    won.catch(() => {})
    return won
  }

  describe(`ControllerElection contract: ${name}`, () => {
    it('the first candidate wins with controller epoch 1', async () => {
      const { open } = await fresh()
      const leadership = await within((await open()).campaign('a'), 'campaign')
      expect(leadership.controllerEpoch).toBe(1)
      expect(await settledWithin(leadership.lost, 0)).toBe(false)
    })

    it('a second candidate waits until the first resigns, then leads with epoch 2', async () => {
      const { open } = await fresh()
      const first = await within((await open()).campaign('a'), 'first campaign')
      const second = campaign(await open(), 'b')
      expect(await settledWithin(second, QUIET_MS)).toBe(false)
      expect(await settledWithin(first.lost, 0)).toBe(false)
      await first.resign()
      await within(first.lost, 'lost after resigning')
      const next = await within(second, 'second campaign')
      expect(next.controllerEpoch).toBe(2)
    })

    it('an expired lease passes to a waiting candidate and the holder learns it lost', async () => {
      const { open, expireLeases } = await fresh()
      const first = await within((await open()).campaign('a'), 'first campaign')
      const second = campaign(await open(), 'b')
      expect(await settledWithin(second, QUIET_MS)).toBe(false)
      await expireLeases()
      const next = await within(second, 'takeover after expiry')
      expect(next.controllerEpoch).toBe(2)
      await within(first.lost, "the first holder's lost")
    })

    it('a holder whose lease expired loses it even with no rival, and wins again with a new epoch', async () => {
      const { open, expireLeases } = await fresh()
      const election = await open()
      const first = await within(election.campaign('a'), 'campaign')
      await expireLeases()
      await within(first.lost, 'lost after expiry')
      const again = await within(election.campaign('a'), 'second campaign')
      expect(again.controllerEpoch).toBe(2)
    })

    it('controller epochs keep growing when elections are reopened', async () => {
      const { open } = await fresh()
      for (const expected of [1, 2, 3]) {
        const election = await open()
        const leadership = await within(election.campaign(`c${expected}`), 'campaign')
        expect(leadership.controllerEpoch).toBe(expected)
        await election.close()
      }
    })

    it('closing an election rejects its pending campaign and resigns its leadership', async () => {
      const { open } = await fresh()
      const holding = await open()
      const first = await within(holding.campaign('a'), 'first campaign')
      const waiting = await open()
      const pending = campaign(waiting, 'b')
      await waiting.close()
      await expect(within(pending, 'rejection')).rejects.toMatchObject({
        code: ErrorCode.NotController,
      })
      await holding.close()
      await within(first.lost, 'lost after close')
      await expect(campaign(holding, 'a')).rejects.toMatchObject({ code: ErrorCode.NotController })
      const next: ControllerLeadership = await within((await open()).campaign('c'), 'takeover')
      // Above the first term; not necessarily the second: a campaign closed while its claim was
      // in flight may have won a term and resigned it at once (epochs only grow, terms may be skipped).
      expect(next.controllerEpoch).toBeGreaterThan(first.controllerEpoch)
    })
  })
}
