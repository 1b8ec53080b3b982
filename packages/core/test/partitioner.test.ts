import { Buffer } from 'node:buffer'
import createKafkajsPartitioner from 'kafkajs/src/producer/partitioners/default/index.js'
import kafkajsMurmur2 from 'kafkajs/src/producer/partitioners/default/murmur2.js'
import { describe, expect, it } from 'vitest'
import {
  createPartitioner,
  ErrorCode,
  murmur2,
  partitionForKey,
  TributaryError,
  toPositive,
} from '../src/index.ts'
import { randomBytes, seededRandom } from './seeded-random.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** Generated keys: ASCII and unicode strings, and random bytes of every length 0..64. */
function generatedKeys(): Uint8Array[] {
  const random = seededRandom(2024)
  const keys: Uint8Array[] = []
  const alphabet = 'abcXYZ019-_:/ éüßñ中文キー🌊🚀\u0000'
  const codePoints = Array.from(alphabet)
  for (let i = 0; i < 300; i++) keys.push(utf8(`key-${i}`))
  for (let i = 0; i < 300; i++) {
    const length = Math.floor(random() * 24)
    let text = ''
    for (let c = 0; c < length; c++) text += codePoints[Math.floor(random() * codePoints.length)]
    keys.push(utf8(text))
  }
  for (let i = 0; i < 400; i++) keys.push(randomBytes(random, i % 65))
  return keys
}

describe('murmur2', () => {
  it("matches Java Kafka's UtilsTest vectors", () => {
    const vectors: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ]
    for (const [key, hash] of vectors) expect(murmur2(utf8(key)), key).toBe(hash)
  })

  it('matches kafkajs for 1000 generated keys', () => {
    for (const key of generatedKeys()) {
      expect(murmur2(key), Buffer.from(key).toString('hex')).toBe(kafkajsMurmur2(Buffer.from(key)))
    }
  })

  it('toPositive clears the sign bit instead of negating', () => {
    expect(toPositive(5)).toBe(5)
    expect(toPositive(-1)).toBe(0x7fffffff)
    expect(toPositive(-(2 ** 31))).toBe(0)
  })
})

describe('partitionForKey', () => {
  it("puts every key where kafkajs's default (Java-compatible) partitioner does", () => {
    const kafkajs = createKafkajsPartitioner()
    for (const numPartitions of [1, 2, 3, 7, 12, 64, 1000]) {
      const partitionMetadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
      }))
      for (const key of generatedKeys()) {
        const theirs = kafkajs({
          topic: 't',
          partitionMetadata,
          message: { key: Buffer.from(key), value: null },
        })
        expect(partitionForKey(key, numPartitions)).toBe(theirs)
      }
    }
  })

  it('matches Java Kafka for known keys', () => {
    // toPositive of the UtilsTest hashes, reduced by hand: 1357151166 % 10, 1173551340 % 3, ...
    expect(partitionForKey(utf8('foobar'), 10)).toBe(6)
    expect(partitionForKey(utf8('21'), 3)).toBe(0)
    expect(partitionForKey(utf8('abc'), 7)).toBe(4)
  })

  it('refuses a partition count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      try {
        partitionForKey(utf8('k'), bad)
        expect.unreachable(`accepted ${bad}`)
      } catch (error) {
        expect((error as TributaryError).code).toBe(ErrorCode.InvalidPartitions)
      }
    }
  })
})

describe('createPartitioner', () => {
  it('hashes keyed records and spreads keyless ones over every partition', () => {
    const partition = createPartitioner({ start: 0 })
    const counts = new Array<number>(6).fill(0)
    for (let i = 0; i < 600; i++) {
      const p = partition(null, 6)
      counts[p] = (counts[p] ?? 0) + 1
    }
    expect(counts).toEqual([100, 100, 100, 100, 100, 100])
    const key = utf8('user-42')
    expect(partition(key, 6)).toBe(partitionForKey(key, 6))
    expect(partition(key, 6)).toBe(partition(key, 6))
  })

  it('rotates in order from its start and keeps instances independent', () => {
    const a = createPartitioner({ start: 2 })
    const b = createPartitioner({ start: 0 })
    expect([a(null, 4), a(null, 4), a(null, 4), b(null, 4)]).toEqual([2, 3, 0, 0])
  })

  it('starts keyless records at a random partition by default', () => {
    const firsts = new Set<number>()
    for (let i = 0; i < 200; i++) firsts.add(createPartitioner()(null, 8))
    expect(firsts.size).toBeGreaterThan(1)
  })

  it('refuses a bad start', () => {
    expect(() => createPartitioner({ start: -1 })).toThrow(TributaryError)
  })
})
