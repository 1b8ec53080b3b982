import type { ControllerLeadership, Logger } from '@tributary/core'
import type { Lease } from './lease.ts'

/** The lease writes one leadership makes, bound to the bucket and key. */
export interface LeaseWriter {
  /**
   * Writes `lease` if the key is still at `revision`: the new revision, or undefined if someone
   * else wrote meanwhile (the compare-and-set failed). Throws if the write could not be made.
   */
  write(lease: Lease, revision: number): Promise<number | undefined>
}

/** What a {@link NatsLeadership} starts from. */
export interface NatsLeadershipOptions {
  readonly candidateId: string
  readonly controllerEpoch: number
  /** The revision of the lease this candidate just wrote, and when that lease expires. */
  readonly revision: number
  readonly expiresAtMs: number
  readonly leaseMs: number
  readonly renewIntervalMs: number
  readonly now: () => number
  readonly writer: LeaseWriter
  readonly logger: Logger
  /** Called once when the leadership ends, however it ends. */
  readonly ended: (leadership: NatsLeadership) => void
}

/**
 * One term as the active controller. Every `renewIntervalMs` it renews the lease with
 * compare-and-set on the revision it last wrote (a chain of timeouts, so renewals never overlap):
 *
 * - a renewal refused because the revision moved on means another candidate took the lease:
 *   the term is over;
 * - a renewal that fails (NATS unreachable, a timeout) is tried again at the next tick, until the
 *   lease runs out by this process's clock: the term is over then, whether or not anybody took
 *   the lease, because from then on another candidate may take it.
 *
 * `lost` resolves when the term ends; the controller stops appending then. The term's records
 * are fenced by the metadata log in any case (its epoch and expected offset), so a controller
 * that learns late (say, it was stopped for longer than the lease) appends nothing once its
 * successor has appended.
 */
export class NatsLeadership implements ControllerLeadership {
  readonly controllerEpoch: number
  readonly lost: Promise<void>
  readonly #options: NatsLeadershipOptions
  readonly #resolveLost: () => void
  #revision: number
  #expiresAtMs: number
  #timer: ReturnType<typeof setTimeout> | undefined
  /** The renewal in flight, if any. */
  #renewing: Promise<void> = Promise.resolve()
  #ended = false

  constructor(options: NatsLeadershipOptions) {
    this.#options = options
    this.controllerEpoch = options.controllerEpoch
    this.#revision = options.revision
    this.#expiresAtMs = options.expiresAtMs
    let resolveLost = () => {}
    this.lost = new Promise<void>((resolve) => {
      resolveLost = resolve
    })
    this.#resolveLost = resolveLost
    this.#schedule()
  }

  /**
   * Ends the term and writes the lease back free (holder null, expired), with compare-and-set,
   * so a waiting candidate takes over at its next look instead of after the lease time.
   * Idempotent; a term already lost writes nothing.
   */
  async resign(): Promise<void> {
    if (this.#ended) return
    this.#end('resigned the controller lease')
    await this.#renewing
    const { controllerEpoch, writer } = this.#options
    try {
      await writer.write({ holder: null, controllerEpoch, expiresAtMs: 0 }, this.#revision)
    } catch (error) {
      // The lease then runs out on its own; this term is over either way.
      this.#log().warn({ err: error }, 'could not release the controller lease')
    }
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#renewing = this.#renew()
    }, this.#options.renewIntervalMs)
  }

  async #renew(): Promise<void> {
    if (this.#ended) return
    const { candidateId, controllerEpoch, leaseMs, now, writer } = this.#options
    // One reading of the clock for the check and the new expiry: a lease renewed just before the
    // clock jumped is then expired by the new clock too.
    const nowMs = now()
    if (nowMs >= this.#expiresAtMs) {
      this.#end('the controller lease ran out before it was renewed')
      return
    }
    const expiresAtMs = nowMs + leaseMs
    try {
      const revision = await writer.write(
        { holder: candidateId, controllerEpoch, expiresAtMs },
        this.#revision,
      )
      if (revision === undefined) {
        this.#end('another candidate took the controller lease')
        return
      }
      this.#revision = revision
      this.#expiresAtMs = expiresAtMs
    } catch (error) {
      this.#log().warn({ err: error }, 'could not renew the controller lease; trying again')
    }
    if (!this.#ended) this.#schedule()
  }

  #end(why: string): void {
    if (this.#ended) return
    this.#ended = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#options.ended(this)
    this.#log().info(why)
    this.#resolveLost()
  }

  #log(): Logger {
    const { logger, candidateId, controllerEpoch } = this.#options
    return logger.child({ candidateId, controllerEpoch })
  }
}
