import {
  bootstrapServerOf,
  commonOptions,
  integerOption,
  parseCommandLine,
  requiredOption,
} from '../args/index.ts'
import { UsageError } from '../errors/index.ts'
import type { ResetTarget } from '../rest/index.ts'
import type { TopicSelection } from './reset.ts'

/** The command's name, as typed and as its usage errors name it. */
export const CONSUMER_GROUPS = 'consumer-groups'

/** What `tributary consumer-groups --help` prints. */
export const consumerGroupsUsage = `Usage: tributary consumer-groups <action> [options]

List and describe consumer groups, and reset their committed offsets (like
kafka-consumer-groups.sh), over the gateway's REST API (v3 consumer groups).

Actions (exactly one):
  --list                      list the group ids, one per line
  --describe                  describe --group: its state and member count, then per
                              partition the committed offset, log end offset, lag and
                              owning consumer ('-' where unknown)
  --reset-offsets             reset --group's committed offsets on --topic to one of
                              --to-earliest, --to-latest or --to-offset; prints the plan,
                              and applies it only with --execute (the group must have no
                              active members)

Options:
  --group <id>                the consumer group (describe, reset-offsets)
  --topic <name[:p,...]>      the topic, optionally only these partitions (reset-offsets;
                              repeatable)
  --to-earliest               reset to each partition's earliest offset
  --to-latest                 reset to each partition's log end offset
  --to-offset <n>             reset to offset n (moved into the log's range if outside)
  --dry-run                   only print the plan (the default)
  --execute                   apply the plan
  --bootstrap-server <url>    the gateway (default $TRIBUTARY_BOOTSTRAP_SERVER or
                              http://localhost:8082)
  -h, --help                  print this help
`

const options = {
  ...commonOptions,
  list: { type: 'boolean' },
  describe: { type: 'boolean' },
  'reset-offsets': { type: 'boolean' },
  group: { type: 'string' },
  topic: { type: 'string', multiple: true },
  'to-earliest': { type: 'boolean' },
  'to-latest': { type: 'boolean' },
  'to-offset': { type: 'string' },
  'dry-run': { type: 'boolean' },
  execute: { type: 'boolean' },
} as const

/** The one action asked for, with what it needs. */
export type ConsumerGroupsAction =
  | { readonly kind: 'list' }
  | { readonly kind: 'describe'; readonly group: string }
  | {
      readonly kind: 'reset-offsets'
      readonly group: string
      readonly topics: readonly TopicSelection[]
      readonly target: ResetTarget
      /** Apply the plan (--execute); otherwise only print it. */
      readonly execute: boolean
      /** Neither --execute nor --dry-run was given: say that nothing was applied. */
      readonly implicitDryRun: boolean
    }

/** The parsed command line. */
export interface ConsumerGroupsOptions {
  readonly bootstrapServer: string
  readonly action: ConsumerGroupsAction
}

const ACTIONS = ['list', 'describe', 'reset-offsets'] as const

/** `t` or `t:0,1,2` (Kafka's syntax; topic names cannot hold ':'). */
export const parseTopicSelection = (raw: string): TopicSelection => {
  const at = raw.indexOf(':')
  const topic = (at < 0 ? raw : raw.slice(0, at)).trim()
  if (topic === '') throw new UsageError(`--topic '${raw}' names no topic`, CONSUMER_GROUPS)
  if (at < 0) return { topic }
  const parts = raw.slice(at + 1).split(',')
  if (!parts.every((p) => /^\d+$/.test(p.trim()))) {
    throw new UsageError(
      `--topic '${raw}': partitions must be numbers separated by commas`,
      CONSUMER_GROUPS,
    )
  }
  const partitions = parts.map((p) => Number(p.trim()))
  return { topic, partitions: [...new Set(partitions)].sort((a, b) => a - b) }
}

/** The command line into options; every mistake is a UsageError (exit 2 with the usage). */
export const parseConsumerGroupsArgs = (
  argv: readonly string[],
  defaultBootstrapServer: string,
): ConsumerGroupsOptions => {
  const values = parseCommandLine(CONSUMER_GROUPS, argv, options)
  const chosen = ACTIONS.filter((action) => values[action] === true)
  const [kind] = chosen
  if (chosen.length !== 1 || kind === undefined) {
    throw new UsageError(
      'exactly one action is needed: --list, --describe or --reset-offsets',
      CONSUMER_GROUPS,
    )
  }
  const only = (flag: keyof typeof values, allowed: readonly string[]): void => {
    if (values[flag] !== undefined && !allowed.includes(kind)) {
      throw new UsageError(`--${flag} is not an option of --${kind}`, CONSUMER_GROUPS)
    }
  }
  only('group', ['describe', 'reset-offsets'])
  for (const flag of ['topic', 'to-earliest', 'to-latest', 'to-offset', 'dry-run', 'execute']) {
    only(flag as keyof typeof values, ['reset-offsets'])
  }
  const group = (): string => {
    const id = requiredOption(CONSUMER_GROUPS, 'group', values.group)
    if (id.trim() === '') throw new UsageError('--group needs a group id', CONSUMER_GROUPS)
    return id
  }
  const action = ((): ConsumerGroupsAction => {
    switch (kind) {
      case 'list':
        return { kind }
      case 'describe':
        return { kind, group: group() }
      case 'reset-offsets': {
        const topics = requiredOption(CONSUMER_GROUPS, 'topic', values.topic)
        if (values.execute === true && values['dry-run'] === true) {
          throw new UsageError('--execute and --dry-run cannot be used together', CONSUMER_GROUPS)
        }
        return {
          kind,
          group: group(),
          topics: topics.map(parseTopicSelection),
          target: targetOf(values),
          execute: values.execute === true,
          implicitDryRun: values.execute !== true && values['dry-run'] !== true,
        }
      }
    }
  })()
  return {
    bootstrapServer: bootstrapServerOf(values['bootstrap-server'], defaultBootstrapServer),
    action,
  }
}

const targetOf = (values: {
  'to-earliest'?: boolean
  'to-latest'?: boolean
  'to-offset'?: string
}): ResetTarget => {
  const targets = [
    values['to-earliest'] === true ? 'earliest' : undefined,
    values['to-latest'] === true ? 'latest' : undefined,
    values['to-offset'] === undefined ? undefined : 'offset',
  ].filter((target) => target !== undefined)
  if (targets.length !== 1) {
    throw new UsageError(
      'exactly one reset target is needed: --to-earliest, --to-latest or --to-offset',
      CONSUMER_GROUPS,
    )
  }
  if (targets[0] === 'earliest') return { to: 'earliest' }
  if (targets[0] === 'latest') return { to: 'latest' }
  const offset = integerOption(CONSUMER_GROUPS, 'to-offset', values['to-offset'], { min: 0 })
  return { to: 'offset', offset: offset as number }
}
