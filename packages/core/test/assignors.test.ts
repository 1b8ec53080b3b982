import { describe, expect, it } from 'vitest'
import type { Assignment, AssignmentInput, Assignor, TopicPartition } from '../src/index.ts'
import {
  ASSIGNORS,
  assignors,
  rangeAssignor,
  roundRobinAssignor,
  stickyAssignor,
} from '../src/index.ts'
import { seededRandom } from './seeded-random.ts'

const SEEDS = Array.from({ length: 300 }, (_, seed) => seed + 1)
const ALL: Array<[string, Assignor]> = [
  ['range', rangeAssignor],
  ['roundrobin', roundRobinAssignor],
  ['sticky', stickyAssignor],
]

const keyOf = (p: TopicPartition) => `${p.topic}p${p.partition}`

/** 't0p1 t1p0' → partitions. */
function parts(text: string): TopicPartition[] {
  return [...text.matchAll(/(\S+)p(\d+)/g)].map(([, topic, partition]) => ({
    topic: topic as string,
    partition: Number(partition),
  }))
}

/** An input from a compact description: subscriptions, partition counts, current ownership. */
function inputOf(
  members: Record<string, string[]>,
  counts: Record<string, number>,
  current: Record<string, string> = {},
): AssignmentInput {
  return {
    members: Object.entries(members).map(([memberId, topics]) => ({ memberId, topics })),
    partitionCounts: new Map(Object.entries(counts)),
    current: new Map(Object.entries(current).map(([member, text]) => [member, parts(text)])),
  }
}

/** The assignment as member → 't0p0 t0p1', in the assignment's own key order. */
function render(assignment: Assignment): Array<[string, string]> {
  return [...assignment].map(([member, partitions]) => [member, partitions.map(keyOf).join(' ')])
}
const intBelow = (random: () => number, n: number) => Math.floor(random() * n)

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = intBelow(random, i + 1)
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

/**
 * A random input: up to 5 topics of up to 8 partitions, up to 7 members (a third of the time
 * all with one subscription), unknown topic names, and a `current` that holds every kind of
 * invalid claim: partitions past the count, deleted topics, departed members, contested ones.
 */
function randomInput(random: () => number, homogeneous = random() < 1 / 3): AssignmentInput {
  const topics = Array.from({ length: intBelow(random, 6) }, (_, i) => `t${i}`)
  const partitionCounts = new Map(topics.map((t) => [t, intBelow(random, 9)]))
  const pick = () => [...topics, 'gone'].filter(() => random() < 0.5)
  const shared = pick()
  const members = Array.from({ length: intBelow(random, 8) }, (_, i) => ({
    memberId: `c${String(i).padStart(2, '0')}`,
    topics: homogeneous ? shared : pick(),
  }))
  const owners = [...members.map((m) => m.memberId), 'departed']
  const current = new Map<string, TopicPartition[]>()
  for (const owner of owners) {
    if (random() < 0.2) continue
    const claims = Array.from({ length: intBelow(random, 10) }, () => ({
      topic: [...topics, 'gone'][intBelow(random, topics.length + 1)] as string,
      partition: intBelow(random, 10),
    }))
    current.set(owner, claims)
  }
  return { members, partitionCounts, current }
}

/** The same input with every list and map in another order. */
function reordered(input: AssignmentInput, random: () => number): AssignmentInput {
  return {
    members: shuffle(input.members, random).map((m) => ({
      ...m,
      topics: shuffle(m.topics, random),
    })),
    partitionCounts: new Map(shuffle([...input.partitionCounts], random)),
    current: new Map(shuffle([...input.current], random).map(([m, p]) => [m, shuffle(p, random)])),
  }
}

/** Each member's subscription cut to existing topics, as a sorted list. */
function subscriptionOf(input: AssignmentInput, memberId: string): string[] {
  const topics = input.members.find((m) => m.memberId === memberId)?.topics ?? []
  return [...new Set(topics.filter((t) => input.partitionCounts.has(t)))].sort()
}

/** The shared contract, written from the header of assignors.ts. */
function expectContract(input: AssignmentInput, output: Assignment, why: string): void {
  const ids = [...new Set(input.members.map((m) => m.memberId))].sort()
  expect([...output.keys()].sort(), why).toEqual(ids)
  const expected = new Set<string>()
  for (const [topic, count] of input.partitionCounts) {
    if (!ids.some((id) => subscriptionOf(input, id).includes(topic))) continue
    for (let partition = 0; partition < count; partition++) expected.add(`${topic}p${partition}`)
  }
  const seen: string[] = []
  for (const [member, partitions] of output) {
    const subscribed = subscriptionOf(input, member)
    const sorted = [...partitions].sort((x, y) =>
      x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition,
    )
    expect(partitions, `${why}: ${member}'s list is not sorted`).toEqual(sorted)
    for (const p of partitions) {
      expect(subscribed, `${why}: ${member} got ${keyOf(p)}`).toContain(p.topic)
      seen.push(keyOf(p))
    }
  }
  expect(seen.length, `${why}: a partition given twice`).toBe(new Set(seen).size)
  expect(new Set(seen), why).toEqual(expected)
}

describe('the shared contract', () => {
  it('names every member and gives every subscribed partition to exactly one subscriber', () => {
    for (const [name, assign] of ALL) {
      for (const seed of SEEDS) {
        const input = randomInput(seededRandom(seed))
        expectContract(input, assign(input), `${name}, seed ${seed}`)
      }
    }
  })

  it('is deterministic whatever the order of members, topics and current ownership', () => {
    for (const [name, assign] of ALL) {
      for (const seed of SEEDS) {
        const random = seededRandom(seed)
        const input = randomInput(random)
        const expected = render(assign(input))
        for (let round = 0; round < 3; round++) {
          expect(render(assign(reordered(input, random))), `${name}, seed ${seed}`).toEqual(
            expected,
          )
        }
      }
    }
  })

  it('handles no members, no topics, empty topics and members of unknown topics only', () => {
    for (const [, assign] of ALL) {
      expect(assign(inputOf({}, { t0: 3 }))).toEqual(new Map())
      const odd = inputOf({ a: ['nope'], b: ['empty', 't0'], c: [] }, { t0: 2, empty: 0 })
      expect(render(assign(odd))).toEqual([
        ['a', ''],
        ['b', 't0p0 t0p1'],
        ['c', ''],
      ])
    }
  })

  it('maps every strategy name to its assignor', () => {
    expect(Object.keys(assignors).sort()).toEqual([...ASSIGNORS].sort())
    expect(assignors.range).toBe(rangeAssignor)
    expect(assignors.roundrobin).toBe(roundRobinAssignor)
    expect(assignors.sticky).toBe(stickyAssignor)
  })
})

describe('rangeAssignor', () => {
  it("gives Kafka's documented example", () => {
    const input = inputOf({ C1: ['t0', 't1'], C0: ['t1', 't0'] }, { t0: 3, t1: 3 })
    expect(render(rangeAssignor(input))).toEqual([
      ['C0', 't0p0 t0p1 t1p0 t1p1'],
      ['C1', 't0p2 t1p2'],
    ])
  })

  it('cuts each topic among its own subscribers, the first ones one more, ignoring current', () => {
    const input = inputOf(
      { C0: ['t0'], C1: ['t0', 't1'], C2: ['t0', 't1'] },
      { t0: 5, t1: 1 },
      { C2: 't0p0 t0p1 t0p2' },
    )
    expect(render(rangeAssignor(input))).toEqual([
      ['C0', 't0p0 t0p1'],
      ['C1', 't0p2 t0p3 t1p0'],
      ['C2', 't0p4'],
    ])
  })
})

describe('roundRobinAssignor', () => {
  it("gives Kafka's documented examples", () => {
    const same = inputOf({ C0: ['t0', 't1'], C1: ['t0', 't1'] }, { t0: 3, t1: 3 })
    expect(render(roundRobinAssignor(same))).toEqual([
      ['C0', 't0p0 t0p2 t1p1'],
      ['C1', 't0p1 t1p0 t1p2'],
    ])
    // Kafka's javadoc: C0 subscribes t0; C1 t0, t1; C2 t0, t1, t2; with 1, 2 and 3 partitions.
    const mixed = inputOf(
      { C2: ['t0', 't1', 't2'], C0: ['t0'], C1: ['t0', 't1'] },
      { t0: 1, t1: 2, t2: 3 },
    )
    expect(render(roundRobinAssignor(mixed))).toEqual([
      ['C0', 't0p0'],
      ['C1', 't1p0'],
      ['C2', 't1p1 t2p0 t2p1 t2p2'],
    ])
  })
})

/** The valid part of `current`: live owner, subscribed existing partition, claimed once. */
function validOwnership(input: AssignmentInput): Map<string, string> {
  const claims = new Map<string, Set<string>>()
  for (const [member, partitions] of input.current) {
    if (!input.members.some((m) => m.memberId === member)) continue
    for (const p of partitions) {
      const count = input.partitionCounts.get(p.topic) ?? 0
      if (!subscriptionOf(input, member).includes(p.topic) || p.partition >= count) continue
      claims.set(keyOf(p), (claims.get(keyOf(p)) ?? new Set()).add(member))
    }
  }
  const owners = new Map<string, string>()
  for (const [key, members] of claims)
    if (members.size === 1) owners.set(key, [...members][0] ?? '')
  return owners
}

/** How many partitions that had an owner in `before` have another one in `after`. */
function moves(before: Assignment, after: Assignment): number {
  const owner = new Map<string, string>()
  for (const [member, partitions] of after) for (const p of partitions) owner.set(keyOf(p), member)
  let moved = 0
  for (const [member, partitions] of before) {
    for (const p of partitions) if (owner.get(keyOf(p)) !== member) moved++
  }
  return moved
}

function counts(assignment: Assignment): number[] {
  return [...assignment.values()].map((partitions) => partitions.length)
}

/** The largest minus the smallest member's partition count. */
function spread(assignment: Assignment): number {
  return Math.max(...counts(assignment)) - Math.min(...counts(assignment))
}

describe('stickyAssignor', () => {
  it('balances members with the same subscriptions to within one partition', () => {
    for (const seed of SEEDS) {
      const input = randomInput(seededRandom(seed))
      const output = stickyAssignor(input)
      const byClass = new Map<string, number[]>()
      for (const [member, partitions] of output) {
        const key = subscriptionOf(input, member).join(',')
        byClass.set(key, [...(byClass.get(key) ?? []), partitions.length])
      }
      for (const [subscription, sizes] of byClass) {
        const spread = Math.max(...sizes) - Math.min(...sizes)
        expect(spread, `seed ${seed}, members of [${subscription}]: ${sizes}`).toBeLessThan(2)
      }
    }
  })

  it('returns its own assignment unchanged when nothing else changed', () => {
    for (const seed of SEEDS) {
      const input = randomInput(seededRandom(seed))
      const output = stickyAssignor(input)
      expect(render(stickyAssignor({ ...input, current: output })), `seed ${seed}`).toEqual(
        render(output),
      )
    }
  })

  it('with one subscription, each member keeps min(what it validly owned, what it gets)', () => {
    for (const seed of SEEDS) {
      const input = randomInput(seededRandom(seed), true)
      const valid = validOwnership(input)
      for (const [member, partitions] of stickyAssignor(input)) {
        const owned = [...valid].filter(([, owner]) => owner === member).length
        const kept = partitions.filter((p) => valid.get(keyOf(p)) === member).length
        expect(kept, `seed ${seed}, ${member}`).toBe(Math.min(owned, partitions.length))
      }
    }
  })

  it('moves only the partitions a new member needs', () => {
    for (const seed of SEEDS.slice(0, 60)) {
      const random = seededRandom(seed)
      const counts0 = { t0: intBelow(random, 20), t1: intBelow(random, 20), t2: 3 }
      const size = 1 + intBelow(random, 6)
      const members = Object.fromEntries(
        Array.from({ length: size }, (_, i) => [`m${i}`, ['t0', 't1', 't2']]),
      )
      const before = stickyAssignor(inputOf(members, counts0))
      const grown = {
        ...inputOf({ ...members, new: ['t2', 't1', 't0'] }, counts0),
        current: before,
      }
      const after = stickyAssignor(grown)
      const total = counts0.t0 + counts0.t1 + counts0.t2
      const gained = after.get('new')?.length ?? -1
      expect(gained, `seed ${seed}`).toBe(Math.floor(total / (size + 1)))
      expect(moves(before, after), `seed ${seed}`).toBe(gained)
      expect(spread(after), `seed ${seed}`).toBeLessThan(2)
    }
  })

  it('counts the moves of a concrete join: three of twelve partitions', () => {
    const members = { a: ['t0', 't1'], b: ['t0', 't1'], c: ['t0', 't1'] }
    const before = stickyAssignor(inputOf(members, { t0: 7, t1: 5 }))
    expect(counts(before)).toEqual([4, 4, 4])
    const after = stickyAssignor({
      ...inputOf({ ...members, d: ['t0', 't1'] }, { t0: 7, t1: 5 }),
      current: before,
    })
    expect(counts(after)).toEqual([3, 3, 3, 3])
    expect(moves(before, after)).toBe(3)
    for (const member of ['a', 'b', 'c']) {
      const kept = new Set(after.get(member)?.map(keyOf))
      expect(before.get(member)?.filter((p) => kept.has(keyOf(p)))).toHaveLength(3)
    }
  })

  it('moves only the partitions of a member that left', () => {
    for (const seed of SEEDS.slice(0, 60)) {
      const random = seededRandom(seed)
      const partitionCounts = { t0: intBelow(random, 30), t1: intBelow(random, 10) }
      const size = 2 + intBelow(random, 6)
      const members = Object.fromEntries(
        Array.from({ length: size }, (_, i) => [`m${i}`, ['t0', 't1']]),
      )
      const before = stickyAssignor(inputOf(members, partitionCounts))
      const leaver = `m${intBelow(random, size)}`
      const { [leaver]: _, ...rest } = members
      const after = stickyAssignor({ ...inputOf(rest, partitionCounts), current: before })
      expect(moves(before, after), `seed ${seed}`).toBe(before.get(leaver)?.length)
      for (const [member, partitions] of after) {
        const now = new Set(partitions.map(keyOf))
        expect(
          before.get(member)?.every((p) => now.has(keyOf(p))),
          `seed ${seed}`,
        ).toBe(true)
      }
      expect(spread(after), `seed ${seed}`).toBeLessThan(2)
    }
  })

  it('frees a partition two members claim, and ignores claims of departed members', () => {
    const contested = inputOf(
      { x: ['t0'], y: ['t0'], z: ['t0'] },
      { t0: 3 },
      { x: 't0p0 t0p1', y: 't0p2 t0p0', z: '' },
    )
    expect(render(stickyAssignor(contested))).toEqual([
      ['x', 't0p1'],
      ['y', 't0p2'],
      ['z', 't0p0'],
    ])
    const departed = inputOf({ b: ['t0'], a: ['t0'] }, { t0: 2 }, { gone: 't0p0', b: 't0p0' })
    expect(render(stickyAssignor(departed))).toEqual([
      ['a', 't0p1'],
      ['b', 't0p0'],
    ])
  })

  it('frees partitions of topics no longer subscribed, and ones past the partition count', () => {
    const input = inputOf(
      { a: ['t0'], b: ['t0', 't1'] },
      { t0: 2, t1: 2 },
      { a: 't0p0 t1p0 t1p1 t0p7', b: 'gonep0' },
    )
    // a's t1 claims do not count as its load: it keeps t0p0 and takes t0p1 too.
    expect(render(stickyAssignor(input))).toEqual([
      ['a', 't0p0 t0p1'],
      ['b', 't1p0 t1p1'],
    ])
  })

  it('moves a kept partition to a member that cannot otherwise balance', () => {
    // b may read t0 and t1, a only t0; b keeps t0p0 at first but must hand it over.
    const input = inputOf(
      { a: ['t0'], b: ['t0', 't1'] },
      { t0: 2, t1: 2 },
      { a: 't0p1', b: 't0p0' },
    )
    expect(render(stickyAssignor(input))).toEqual([
      ['a', 't0p0 t0p1'],
      ['b', 't1p0 t1p1'],
    ])
  })
})
