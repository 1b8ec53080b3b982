import { describe, expect, it } from 'vitest'
import {
  bootstrapServerOf,
  integerOption,
  joinNegativeValues,
  keyValuePairs,
  parseCommandLine,
  propertiesOf,
} from '../src/args/index.ts'
import { parseConsoleConsumerArgs } from '../src/console-consumer/index.ts'
import { parseConsoleProducerArgs } from '../src/console-producer/index.ts'
import { parseConsumerPerfArgs } from '../src/consumer-perf-test/index.ts'
import { UsageError } from '../src/errors/index.ts'
import { parseProducerPerfArgs } from '../src/producer-perf-test/index.ts'
import { parseTopicsArgs } from '../src/topics/index.ts'

const DEFAULT = 'http://localhost:8082'

const usageErrorOf = (run: () => unknown): UsageError => {
  try {
    run()
  } catch (error) {
    if (error instanceof UsageError) return error
    throw error
  }
  throw new Error('expected a UsageError')
}

describe('argument helpers', () => {
  it('joins a negative number to the string option before it', () => {
    const options = { throughput: { type: 'string' }, flag: { type: 'boolean' } } as const
    expect(joinNegativeValues(['--throughput', '-1', '--flag'], options)).toEqual([
      '--throughput=-1',
      '--flag',
    ])
    // A missing value before another flag is left for parseArgs to refuse.
    expect(joinNegativeValues(['--throughput', '--flag'], options)).toEqual([
      '--throughput',
      '--flag',
    ])
    expect(parseCommandLine('x', ['--throughput', '-1'], options)).toEqual({ throughput: '-1' })
  })

  it('turns parseArgs errors into usage errors naming the command', () => {
    const error = usageErrorOf(() => parseCommandLine('topics', ['--nope'], {}))
    expect(error.command).toBe('topics')
    expect(error.message).toMatch(/--nope/)
    expect(() => parseCommandLine('topics', ['stray'], {})).toThrow(UsageError)
  })

  it('parses integers within bounds and refuses the rest', () => {
    expect(integerOption('c', 'n', undefined)).toBeUndefined()
    expect(integerOption('c', 'n', '42', { min: 1 })).toBe(42)
    expect(integerOption('c', 'n', '-1', { min: -1 })).toBe(-1)
    expect(() => integerOption('c', 'n', '1.5')).toThrow(/must be an integer/)
    expect(() => integerOption('c', 'n', '3x')).toThrow(/must be an integer/)
    expect(() => integerOption('c', 'n', '0', { min: 1 })).toThrow(/at least 1/)
    expect(() => integerOption('c', 'n', '9', { max: 8 })).toThrow(/at most 8/)
  })

  it('splits key=value pairs on the first equals sign', () => {
    expect(keyValuePairs('c', 'config', ['a=b', 'c=d=e', 'empty='])).toEqual([
      ['a', 'b'],
      ['c', 'd=e'],
      ['empty', ''],
    ])
    expect(() => keyValuePairs('c', 'config', ['novalue'])).toThrow(/key=value/)
    expect(() => propertiesOf('c', ['print.color=true'], ['print.key'])).toThrow(
      /unknown property 'print.color'/,
    )
  })

  it('adds http:// to a bare host:port, as Kafka users type it', () => {
    expect(bootstrapServerOf(undefined, DEFAULT)).toBe(DEFAULT)
    expect(bootstrapServerOf('broker:9000', DEFAULT)).toBe('http://broker:9000')
    expect(bootstrapServerOf('https://gw.example/kafka', DEFAULT)).toBe('https://gw.example/kafka')
  })
})

describe('topics arguments', () => {
  it('reads --create with partitions, replication factor and repeated configs', () => {
    expect(
      parseTopicsArgs(
        [
          '--create',
          '--topic',
          'orders',
          '--partitions',
          '3',
          '--replication-factor',
          '1',
          '--config',
          'retention.ms=1000',
          '--config',
          'cleanup.policy=compact',
          '--bootstrap-server',
          'localhost:9999',
        ],
        DEFAULT,
      ),
    ).toEqual({
      bootstrapServer: 'http://localhost:9999',
      action: {
        kind: 'create',
        topic: 'orders',
        partitions: 3,
        replicationFactor: 1,
        configs: [
          { name: 'retention.ms', value: '1000' },
          { name: 'cleanup.policy', value: 'compact' },
        ],
      },
    })
  })

  it('reads the other actions', () => {
    expect(parseTopicsArgs(['--list'], DEFAULT).action).toEqual({ kind: 'list' })
    expect(parseTopicsArgs(['--describe'], DEFAULT).action).toEqual({
      kind: 'describe',
      topic: undefined,
    })
    expect(parseTopicsArgs(['--describe', '--topic', 't'], DEFAULT).action).toEqual({
      kind: 'describe',
      topic: 't',
    })
    expect(
      parseTopicsArgs(['--alter', '--topic', 't', '--partitions', '6'], DEFAULT).action,
    ).toEqual({ kind: 'alter', topic: 't', partitions: 6 })
    expect(parseTopicsArgs(['--delete', '--topic=t'], DEFAULT).action).toEqual({
      kind: 'delete',
      topic: 't',
    })
  })

  it('refuses no action, two actions, missing and misplaced options', () => {
    expect(() => parseTopicsArgs([], DEFAULT)).toThrow(/exactly one action/)
    expect(() => parseTopicsArgs(['--list', '--delete'], DEFAULT)).toThrow(/exactly one action/)
    expect(() => parseTopicsArgs(['--create'], DEFAULT)).toThrow(/--topic is required/)
    expect(() => parseTopicsArgs(['--alter', '--topic', 't'], DEFAULT)).toThrow(
      /--partitions is required/,
    )
    expect(() => parseTopicsArgs(['--list', '--partitions', '3'], DEFAULT)).toThrow(
      /not an option of --list/,
    )
    expect(() =>
      parseTopicsArgs(['--create', '--topic', 't', '--partitions', '0'], DEFAULT),
    ).toThrow(/at least 1/)
  })
})

describe('console-consumer arguments', () => {
  it('defaults to the end of every partition and prints the value alone', () => {
    const options = parseConsoleConsumerArgs(['--topic', 't'], DEFAULT)
    expect(options.start).toEqual({ kind: 'latest' })
    expect(options.partition).toBeUndefined()
    expect(options.maxMessages).toBeUndefined()
    expect(options.format.printKey).toBe(false)
    expect(options.format.printValue).toBe(true)
    expect(options.format.keySeparator).toBe('\t')
  })

  it('reads positions, limits and properties', () => {
    const options = parseConsoleConsumerArgs(
      [
        '--topic',
        't',
        '--from-beginning',
        '--max-messages',
        '5',
        '--timeout-ms',
        '2000',
        '--property',
        'print.key=true',
        '--property',
        'print.timestamp=TRUE',
        '--property',
        'print.headers=true',
        '--property',
        'key.separator=:',
      ],
      DEFAULT,
    )
    expect(options.start).toEqual({ kind: 'earliest' })
    expect(options.maxMessages).toBe(5)
    expect(options.timeoutMs).toBe(2000)
    expect(options.format).toMatchObject({
      printKey: true,
      printTimestamp: true,
      printHeaders: true,
      keySeparator: ':',
    })
    expect(
      parseConsoleConsumerArgs(['--topic', 't', '--partition', '2', '--offset', '17'], DEFAULT),
    ).toMatchObject({ partition: 2, start: { kind: 'offset', offset: 17 } })
    expect(
      parseConsoleConsumerArgs(['--topic', 't', '--offset', 'earliest'], DEFAULT).start,
    ).toEqual({ kind: 'earliest' })
  })

  it("refuses Kafka's refused combinations", () => {
    expect(() => parseConsoleConsumerArgs([], DEFAULT)).toThrow(/--topic is required/)
    expect(() =>
      parseConsoleConsumerArgs(['--topic', 't', '--from-beginning', '--offset', '3'], DEFAULT),
    ).toThrow(/cannot be used together/)
    expect(() => parseConsoleConsumerArgs(['--topic', 't', '--offset', '3'], DEFAULT)).toThrow(
      /needs --partition/,
    )
    expect(() =>
      parseConsoleConsumerArgs(['--topic', 't', '--property', 'print.key=yes'], DEFAULT),
    ).toThrow(/true or false/)
    expect(() =>
      parseConsoleConsumerArgs(['--topic', 't', '--group', 'g', '--partition', '0'], DEFAULT),
    ).toThrow(UsageError)
  })
})

describe('console-producer arguments', () => {
  it('reads parse.key and key.separator', () => {
    expect(
      parseConsoleProducerArgs(
        ['--topic', 't', '--property', 'parse.key=true', '--property', 'key.separator=:'],
        DEFAULT,
      ),
    ).toEqual({
      bootstrapServer: DEFAULT,
      topic: 't',
      batchSize: 200,
      line: { parseKey: true, keySeparator: ':', ignoreError: false },
    })
  })
})

describe('perf test arguments', () => {
  it("takes Kafka's --throughput -1 as no limit", () => {
    const options = parseProducerPerfArgs(
      ['--topic', 't', '--num-records', '1000', '--record-size', '100', '--throughput', '-1'],
      DEFAULT,
    )
    expect(options).toMatchObject({
      numRecords: 1000,
      recordSize: 100,
      throughput: undefined,
      batchSize: 100,
      concurrency: 4,
    })
    expect(
      parseProducerPerfArgs(
        [
          '--topic',
          't',
          '--num-records',
          '10',
          '--record-size',
          '1',
          '--throughput',
          '500',
          '--batch-size',
          '10',
          '--concurrency',
          '2',
        ],
        DEFAULT,
      ),
    ).toMatchObject({ throughput: 500, batchSize: 10, concurrency: 2 })
  })

  it('needs the options Kafka needs', () => {
    expect(() =>
      parseProducerPerfArgs(['--topic', 't', '--num-records', '1', '--record-size', '1'], DEFAULT),
    ).toThrow(/--throughput is required/)
    expect(() =>
      parseProducerPerfArgs(
        ['--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '0'],
        DEFAULT,
      ),
    ).toThrow(/positive, or -1/)
    expect(() => parseConsumerPerfArgs(['--topic', 't'], DEFAULT)).toThrow(/--messages is required/)
    expect(parseConsumerPerfArgs(['--topic', 't', '--messages', '5'], DEFAULT)).toMatchObject({
      messages: 5,
      timeoutMs: 10_000,
      fetchSize: 1024 * 1024,
      fromLatest: false,
    })
  })
})
