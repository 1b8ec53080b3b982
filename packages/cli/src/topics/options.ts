import {
  bootstrapServerOf,
  commonOptions,
  integerOption,
  keyValuePairs,
  parseCommandLine,
  requiredOption,
} from '../args/index.ts'
import { UsageError } from '../errors/index.ts'
import type { TopicConfig } from '../rest/index.ts'

export const TOPICS = 'topics'

export const topicsUsage = `Usage: tributary topics <action> [options]

Create, list, describe, alter and delete topics (like kafka-topics.sh).

Actions (exactly one):
  --create                    create a topic (--topic required)
  --list                      list topic names
  --describe                  describe every topic, or the one named by --topic
  --alter                     raise a topic's partition count (--topic, --partitions)
  --delete                    delete a topic (--topic required)

Options:
  --topic <name>              the topic
  --partitions <n>            partition count (create, alter)
  --replication-factor <n>    replicas per partition (create)
  --config <name=value>       a topic config override (create; repeatable)
  --bootstrap-server <url>    the gateway (default $TRIBUTARY_BOOTSTRAP_SERVER or
                              http://localhost:8082)
  -h, --help                  print this help
`

const options = {
  ...commonOptions,
  create: { type: 'boolean' },
  list: { type: 'boolean' },
  describe: { type: 'boolean' },
  alter: { type: 'boolean' },
  delete: { type: 'boolean' },
  topic: { type: 'string' },
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  config: { type: 'string', multiple: true },
} as const

export type TopicsAction =
  | {
      readonly kind: 'create'
      readonly topic: string
      readonly partitions: number | undefined
      readonly replicationFactor: number | undefined
      readonly configs: readonly TopicConfig[]
    }
  | { readonly kind: 'list' }
  | { readonly kind: 'describe'; readonly topic: string | undefined }
  | { readonly kind: 'alter'; readonly topic: string; readonly partitions: number }
  | { readonly kind: 'delete'; readonly topic: string }

export interface TopicsOptions {
  readonly bootstrapServer: string
  readonly action: TopicsAction
}

const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const

export const parseTopicsArgs = (
  argv: readonly string[],
  defaultBootstrapServer: string,
): TopicsOptions => {
  const values = parseCommandLine(TOPICS, argv, options)
  const chosen = ACTIONS.filter((action) => values[action] === true)
  const [kind] = chosen
  if (chosen.length !== 1 || kind === undefined) {
    throw new UsageError(
      'exactly one action is needed: --create, --list, --describe, --alter or --delete',
      TOPICS,
    )
  }
  const only = (flag: keyof typeof values, allowed: readonly string[]): void => {
    if (values[flag] !== undefined && !allowed.includes(kind)) {
      throw new UsageError(`--${flag} is not an option of --${kind}`, TOPICS)
    }
  }
  only('partitions', ['create', 'alter'])
  only('replication-factor', ['create'])
  only('config', ['create'])
  only('topic', ['create', 'describe', 'alter', 'delete'])

  const partitions = integerOption(TOPICS, 'partitions', values.partitions, { min: 1 })
  const topic = (): string => requiredOption(TOPICS, 'topic', values.topic)
  const action = ((): TopicsAction => {
    switch (kind) {
      case 'create':
        return {
          kind,
          topic: topic(),
          partitions,
          replicationFactor: integerOption(
            TOPICS,
            'replication-factor',
            values['replication-factor'],
            { min: 1, max: 32767 },
          ),
          configs: keyValuePairs(TOPICS, 'config', values.config).map(([name, value]) => ({
            name,
            value,
          })),
        }
      case 'list':
        return { kind }
      case 'describe':
        return { kind, topic: values.topic }
      case 'alter':
        return {
          kind,
          topic: topic(),
          partitions: requiredOption(TOPICS, 'partitions', partitions),
        }
      case 'delete':
        return { kind, topic: topic() }
    }
  })()
  return {
    bootstrapServer: bootstrapServerOf(values['bootstrap-server'], defaultBootstrapServer),
    action,
  }
}
