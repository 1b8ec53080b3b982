import { describe, expect, it } from 'vitest'
import { parseConsoleConsumerArgs } from '../src/console-consumer/index.ts'
import { parseConsumerGroupsArgs, parseTopicSelection } from '../src/consumer-groups/index.ts'
import { UsageError } from '../src/errors/index.ts'

const DEFAULT = 'http://localhost:8082'

const usageMessage = (run: () => unknown): string => {
  try {
    run()
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error('expected a UsageError')
}

describe('console-consumer --group', () => {
  it('takes the group, and --from-beginning as where a group without commits starts', () => {
    const grouped = parseConsoleConsumerArgs(
      ['--topic', 't', '--group', 'g1', '--from-beginning', '--max-messages', '5'],
      DEFAULT,
    )
    expect(grouped).toMatchObject({ topic: 't', group: 'g1', start: { kind: 'earliest' } })
    expect(grouped.maxMessages).toBe(5)
    expect(parseConsoleConsumerArgs(['--topic', 't', '--group', 'g1'], DEFAULT)).toMatchObject({
      group: 'g1',
      start: { kind: 'latest' },
    })
    expect(parseConsoleConsumerArgs(['--topic', 't'], DEFAULT).group).toBeUndefined()
  })

  it('refuses a partition or offset with a group, and an empty group id', () => {
    expect(
      usageMessage(() =>
        parseConsoleConsumerArgs(['--topic', 't', '--group', 'g', '--partition', '0'], DEFAULT),
      ),
    ).toBe('--group and --partition cannot be used together')
    expect(
      usageMessage(() =>
        parseConsoleConsumerArgs(['--topic', 't', '--group', 'g', '--offset', 'earliest'], DEFAULT),
      ),
    ).toBe('--group and --offset cannot be used together')
    expect(
      usageMessage(() => parseConsoleConsumerArgs(['--topic', 't', '--group', ' '], DEFAULT)),
    ).toMatch(/--group needs a group id/)
  })
})

describe('consumer-groups arguments', () => {
  it('parses --list and --describe', () => {
    expect(parseConsumerGroupsArgs(['--list'], DEFAULT)).toEqual({
      bootstrapServer: DEFAULT,
      action: { kind: 'list' },
    })
    expect(
      parseConsumerGroupsArgs(['--describe', '--group', 'g', '--bootstrap-server', 'h:1'], DEFAULT),
    ).toEqual({ bootstrapServer: 'http://h:1', action: { kind: 'describe', group: 'g' } })
  })

  it('parses --reset-offsets with topics, partitions, a target and --execute', () => {
    const { action } = parseConsumerGroupsArgs(
      [
        '--reset-offsets',
        '--group',
        'g',
        '--topic',
        'a',
        '--topic',
        'b:2,0,2',
        '--to-offset',
        '7',
        '--execute',
      ],
      DEFAULT,
    )
    expect(action).toEqual({
      kind: 'reset-offsets',
      group: 'g',
      topics: [{ topic: 'a' }, { topic: 'b', partitions: [0, 2] }],
      target: { to: 'offset', offset: 7 },
      execute: true,
      implicitDryRun: false,
    })
    const dry = parseConsumerGroupsArgs(
      ['--reset-offsets', '--group', 'g', '--topic', 'a', '--to-earliest'],
      DEFAULT,
    ).action
    expect(dry).toMatchObject({ target: { to: 'earliest' }, execute: false, implicitDryRun: true })
    const explicit = parseConsumerGroupsArgs(
      ['--reset-offsets', '--group', 'g', '--topic', 'a', '--to-latest', '--dry-run'],
      DEFAULT,
    ).action
    expect(explicit).toMatchObject({ target: { to: 'latest' }, execute: false })
    expect(explicit).toMatchObject({ implicitDryRun: false })
  })

  it('refuses what kafka-consumer-groups would refuse', () => {
    const parse =
      (...argv: string[]) =>
      () =>
        parseConsumerGroupsArgs(argv, DEFAULT)
    expect(usageMessage(parse())).toMatch(/exactly one action/)
    expect(usageMessage(parse('--list', '--describe'))).toMatch(/exactly one action/)
    expect(usageMessage(parse('--describe'))).toBe('--group is required')
    expect(usageMessage(parse('--list', '--group', 'g'))).toBe('--group is not an option of --list')
    expect(usageMessage(parse('--describe', '--group', 'g', '--execute'))).toBe(
      '--execute is not an option of --describe',
    )
    expect(usageMessage(parse('--reset-offsets', '--group', 'g', '--to-earliest'))).toBe(
      '--topic is required',
    )
    expect(usageMessage(parse('--reset-offsets', '--group', 'g', '--topic', 't'))).toMatch(
      /exactly one reset target/,
    )
    expect(
      usageMessage(
        parse('--reset-offsets', '--group', 'g', '--topic', 't', '--to-earliest', '--to-latest'),
      ),
    ).toMatch(/exactly one reset target/)
    expect(
      usageMessage(parse('--reset-offsets', '--group', 'g', '--topic', 't', '--to-offset', '-1')),
    ).toMatch(/--to-offset must be at least 0/)
    expect(
      usageMessage(
        parse(
          '--reset-offsets',
          '--group',
          'g',
          '--topic',
          't',
          '--to-latest',
          '--execute',
          '--dry-run',
        ),
      ),
    ).toMatch(/cannot be used together/)
  })

  it("reads Kafka's topic:partitions syntax", () => {
    expect(parseTopicSelection('orders')).toEqual({ topic: 'orders' })
    expect(parseTopicSelection('orders:3,1')).toEqual({ topic: 'orders', partitions: [1, 3] })
    expect(usageMessage(() => parseTopicSelection('orders:1,x'))).toMatch(
      /partitions must be numbers/,
    )
    expect(usageMessage(() => parseTopicSelection(':1'))).toMatch(/names no topic/)
  })
})
