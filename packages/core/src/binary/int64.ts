/**
 * Big-endian int64 fields as JS numbers. Kafka's offsets, timestamps and producer ids are int64;
 * Tributary carries them as numbers and refuses any outside the safe-integer range (±(2^53 - 1)).
 *
 * The halves are read and written as two int32s instead of through DataView's bigint accessors:
 * the result is the same, and the hot decode path allocates no bigint.
 */

const TWO_POW_32 = 0x1_0000_0000

/** The int64 at `at`, or NaN when it is not a safe integer. */
export function getInt64(view: DataView, at: number): number {
  const value = view.getInt32(at) * TWO_POW_32 + view.getUint32(at + 4)
  // Exact for every safe integer; anything larger rounds to at least 2^53 and is refused here.
  return Number.isSafeInteger(value) ? value : Number.NaN
}

/** Writes a safe integer as an int64 at `at`. The caller has checked `Number.isSafeInteger(n)`. */
export function setInt64(view: DataView, at: number, n: number): void {
  view.setInt32(at, Math.floor(n / TWO_POW_32))
  view.setUint32(at + 4, n >>> 0)
}
