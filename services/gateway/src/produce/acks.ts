import { Acks } from '@tributary/core'

/**
 * The words a user may write for acks, as Kafka's producer config takes them (`all` and `-1` are
 * one setting): shared by the `--acks` flag and the produce routes' `?acks=` parameter.
 */
export const ACKS_NAMES = ['all', '-1', '1', '0'] as const

export type AcksName = (typeof ACKS_NAMES)[number]

const byName: ReadonlyMap<string, Acks> = new Map<string, Acks>([
  ['all', Acks.All],
  ['-1', Acks.All],
  ['1', Acks.Leader],
  ['0', Acks.None],
])

/** The acks a word names; undefined when it names none. */
export function acksNamed(name: string): Acks | undefined {
  return byName.get(name)
}
