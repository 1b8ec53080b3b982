import type { ControllerLeadership, Logger } from '@tributary/core'

/** The lease operations one leadership needs, bound to its holder id and epoch. */
export interface LeaseStore {
  /** Extends the lease; false if it was taken or had already expired. */
  renew(): boolean
  /** Gives the lease up at once (expiry = now), if it is still this term's. */
  release(): void
  /** Called once when the leadership ends, however it ends. */
  ended(): void
}

export interface LeadershipOptions {
  readonly candidateId: string
  readonly controllerEpoch: number
  readonly renewIntervalMs: number
  readonly store: LeaseStore
  readonly logger: Logger
}

/**
 * One term as the active controller. Renews the lease every `renewIntervalMs` (a chain of
 * timeouts, so renewals never overlap); the first renewal that fails, or throws, ends the term
 * and resolves `lost`. Failing safe matters more than staying leader: a controller that cannot
 * tell whether it still holds the lease must stop appending.
 */
export class Leadership implements ControllerLeadership {
  readonly controllerEpoch: number
  readonly lost: Promise<void>
  readonly #options: LeadershipOptions
  readonly #resolveLost: () => void
  #timer: ReturnType<typeof setTimeout> | undefined
  #ended = false

  constructor(options: LeadershipOptions) {
    this.#options = options
    this.controllerEpoch = options.controllerEpoch
    let resolveLost = () => {}
    this.lost = new Promise<void>((resolve) => {
      resolveLost = resolve
    })
    this.#resolveLost = resolveLost
    this.#schedule()
  }

  /** Releases the lease at once so a standby takes over without waiting. Idempotent. */
  async resign(): Promise<void> {
    if (this.#ended) return
    try {
      this.#options.store.release()
    } catch (error) {
      // The lease then runs out on its own; this term is over either way.
      this.#log().warn({ err: error }, 'could not release the controller lease')
    }
    this.#end('resigned')
  }

  #schedule(): void {
    this.#timer = setTimeout(() => this.#renew(), this.#options.renewIntervalMs)
  }

  #renew(): void {
    this.#timer = undefined
    if (this.#ended) return
    let renewed = false
    try {
      renewed = this.#options.store.renew()
    } catch (error) {
      this.#log().warn({ err: error }, 'could not renew the controller lease')
    }
    if (renewed) this.#schedule()
    else this.#end('lost')
  }

  #end(how: 'resigned' | 'lost'): void {
    if (this.#ended) return
    this.#ended = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#options.store.ended()
    this.#log().info(`${how} the controller lease`)
    this.#resolveLost()
  }

  #log(): Logger {
    const { logger, candidateId, controllerEpoch } = this.#options
    return logger.child({ candidateId, controllerEpoch })
  }
}
