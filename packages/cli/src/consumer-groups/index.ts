import { type Command, restClientFor } from '../command/index.ts'
import { ServerError } from '../errors/index.ts'
import type { RestClient } from '../rest/index.ts'
import {
  describeGroup,
  formatGroupDescription,
  type GroupDescription,
  groupOffsetRows,
  groupStateNotice,
  withLogEnd,
} from './describe.ts'
import {
  CONSUMER_GROUPS,
  type ConsumerGroupsAction,
  consumerGroupsUsage,
  parseConsumerGroupsArgs,
} from './options.ts'
import { appliedOffsets, formatResetPlan, type PlannedOffset, plannedOffset } from './reset.ts'

export type { GroupDescription, GroupOffsetRow, MemberAssignments } from './describe.ts'
export {
  describeGroup,
  formatGroupDescription,
  groupOffsetRows,
  groupStateNotice,
} from './describe.ts'
export type { ConsumerGroupsAction, ConsumerGroupsOptions } from './options.ts'
export { parseConsumerGroupsArgs, parseTopicSelection } from './options.ts'
export type { PlannedOffset, TopicSelection } from './reset.ts'
export { formatResetPlan, plannedOffset } from './reset.ts'
export { formatTable } from './table.ts'

type ResetAction = Extract<ConsumerGroupsAction, { kind: 'reset-offsets' }>

/** The log end of a partition, or null when it cannot be had (the row then shows '-'). */
const logEndOf = async (client: RestClient, topic: string, partition: number) => {
  try {
    return (await client.partitionOffsets(topic, partition)).end_offset
  } catch {
    return null
  }
}

/** The group, its members with their assignments, and its lags, from v3. */
const describe = async (client: RestClient, group: string): Promise<GroupDescription> => {
  const [data, consumers, lags] = await Promise.all([
    client.getConsumerGroup(group),
    client.listGroupConsumers(group),
    client.listConsumerLags(group),
  ])
  const members = await Promise.all(
    consumers.map(async (consumer) => ({
      consumer,
      assignments: await client.listConsumerAssignments(group, consumer.consumer_id),
    })),
  )
  const rows = await Promise.all(
    groupOffsetRows(lags, members).map(async (row) =>
      row.logEndOffset !== null || row.topic === null || row.partition === null
        ? row
        : withLogEnd(row, await logEndOf(client, row.topic, row.partition)),
    ),
  )
  return describeGroup(data, consumers, rows)
}

/** Every asked partition's new offset, from its log's beginning and end (v2 offsets). */
const planReset = async (client: RestClient, action: ResetAction): Promise<PlannedOffset[]> => {
  const partitions = await Promise.all(
    action.topics.map(async (selection) => {
      const ids =
        selection.partitions ??
        (await client.listPartitions(selection.topic))
          .map((partition) => partition.partition_id)
          .sort((a, b) => a - b)
      return ids.map((partition) => ({ topic: selection.topic, partition }))
    }),
  )
  return Promise.all(
    partitions
      .flat()
      .map(async ({ topic, partition }) =>
        plannedOffset(
          topic,
          partition,
          await client.partitionOffsets(topic, partition),
          action.target,
        ),
      ),
  )
}

/**
 * Applies the plan, one `offsets:reset` per partition (--to-offset sends the planned offset,
 * already moved into the log's range). A 409 means the group has members: said plainly.
 */
const applyReset = async (client: RestClient, action: ResetAction, plan: PlannedOffset[]) => {
  const applied = []
  for (const planned of plan) {
    try {
      const data = await client.resetGroupOffsets(action.group, {
        topic: planned.topic,
        partition: planned.partition,
        target:
          action.target.to === 'offset' ? { to: 'offset', offset: planned.offset } : action.target,
      })
      applied.push(...appliedOffsets(data))
    } catch (error) {
      if (error instanceof ServerError && error.status === 409) {
        throw new ServerError(
          error.status,
          error.errorCode,
          `cannot reset the offsets of group '${action.group}' while it has active members; ` +
            `stop its consumers first (${error.message})`,
        )
      }
      throw error
    }
  }
  return applied
}

/**
 * `tributary consumer-groups`: --list, --describe and --reset-offsets over the v3
 * consumer-group routes (and v2 partition offsets for the reset plan).
 */
export const consumerGroupsCommand: Command = {
  name: CONSUMER_GROUPS,
  summary: 'list and describe consumer groups, reset their offsets',
  usage: consumerGroupsUsage,
  async run(argv, context) {
    const { bootstrapServer, action } = parseConsumerGroupsArgs(
      argv,
      context.defaultBootstrapServer,
    )
    const client = restClientFor(context, bootstrapServer)
    const { stdout, stderr } = context.io
    switch (action.kind) {
      case 'list': {
        const groups = (await client.listConsumerGroups()).map((g) => g.consumer_group_id).sort()
        await stdout.write(groups.map((group) => `${group}\n`).join(''))
        return 0
      }
      case 'describe': {
        const description = await describe(client, action.group)
        const notice = groupStateNotice(description)
        if (notice !== undefined) await stderr.write(`${notice}\n`)
        await stdout.write(formatGroupDescription(description))
        return 0
      }
      case 'reset-offsets': {
        const plan = await planReset(client, action)
        for (const { warning } of plan) if (warning) await stderr.write(`WARN: ${warning}\n`)
        if (!action.execute) {
          if (action.implicitDryRun) {
            await stderr.write(
              'WARN: No action was performed: this is the plan. Add --execute to apply it ' +
                '(or --dry-run to only print it without this warning).\n',
            )
          }
          await stdout.write(formatResetPlan(action.group, plan))
          return 0
        }
        await stdout.write(formatResetPlan(action.group, await applyReset(client, action, plan)))
        return 0
      }
    }
  },
}
