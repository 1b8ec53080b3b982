import { ErrorCode, TributaryError } from '@tributary/core'

/*
 * The controller lease, the one value under `names.controllerLeaseKey` in the bucket
 * `names.controllerBucket`, as UTF-8 JSON:
 *
 *   {"holder":"controller-2","controllerEpoch":7,"expiresAtMs":1700000003000}
 *
 * `holder` is null once the holder resigned. The key-value revision of the value is what every
 * write compares and sets, so two candidates never both take the same lease.
 */

/** One state of the controller lease. */
export interface Lease {
  /** The candidate id of the active controller; null when nobody holds the lease. */
  readonly holder: string | null
  /** The term of the last holder; the next holder's is one more. */
  readonly controllerEpoch: number
  /** Wall-clock time (ms) after which the lease is free unless renewed. */
  readonly expiresAtMs: number
}

/** The lease as the bucket stores it. */
export function encodeLease(lease: Lease): string {
  return JSON.stringify({
    holder: lease.holder,
    controllerEpoch: lease.controllerEpoch,
    expiresAtMs: lease.expiresAtMs,
  })
}

/** A stored lease back; CORRUPT_MESSAGE if it is not one. */
export function decodeLease(bytes: Uint8Array): Lease {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(bytes))
  } catch (error) {
    throw damaged('it is not JSON', error)
  }
  const { holder, controllerEpoch, expiresAtMs } = (value ?? {}) as Record<string, unknown>
  if (holder !== null && (typeof holder !== 'string' || holder.length === 0)) {
    throw damaged('holder is neither null nor a candidate id')
  }
  if (!Number.isSafeInteger(controllerEpoch) || (controllerEpoch as number) < 0) {
    throw damaged('controllerEpoch is not an integer >= 0')
  }
  if (!Number.isSafeInteger(expiresAtMs)) throw damaged('expiresAtMs is not an integer')
  return {
    holder,
    controllerEpoch: controllerEpoch as number,
    expiresAtMs: expiresAtMs as number,
  }
}

/** Whether a candidate may take `lease` at time `nowMs`: nobody holds it or it has expired. */
export function isFree(lease: Lease, nowMs: number): boolean {
  return lease.holder === null || nowMs > lease.expiresAtMs
}

function damaged(why: string, cause?: unknown): TributaryError {
  return new TributaryError(ErrorCode.CorruptMessage, `the controller lease is damaged: ${why}`, {
    cause,
    retriable: false,
  })
}
