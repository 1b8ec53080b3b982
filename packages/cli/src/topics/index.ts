import { type Command, restClientFor } from '../command/index.ts'
import { ServerError } from '../errors/index.ts'
import type { PartitionData, RestClient } from '../rest/index.ts'
import {
  describeTopic,
  formatDescription,
  type PartitionDescription,
  partitionFromV2,
  partitionFromV3,
  type TopicDescription,
} from './describe.ts'
import { parseTopicsArgs, TOPICS, topicsUsage } from './options.ts'

export type { PartitionDescription, TopicDescription } from './describe.ts'
export { formatDescription } from './describe.ts'
export type { TopicsAction, TopicsOptions } from './options.ts'
export { parseTopicsArgs } from './options.ts'

/** A route the server does not serve: a plain 404, not the REST Proxy's 404xx codes. */
const isMissingRoute = (error: unknown): boolean =>
  error instanceof ServerError && error.status === 404 && error.errorCode === 404

/**
 * Replicas and ISR come from v3's replicas sub-resource, one call per partition. A gateway
 * that does not serve it still describes through v2's partition list, which carries them.
 */
const partitionsOf = async (
  client: RestClient,
  topic: string,
  partitions: readonly PartitionData[],
): Promise<PartitionDescription[]> => {
  try {
    return await Promise.all(
      partitions.map(async (partition) =>
        partitionFromV3(partition, await client.listReplicas(topic, partition.partition_id)),
      ),
    )
  } catch (error) {
    if (!isMissingRoute(error)) throw error
    return (await client.listPartitionsV2(topic)).map(partitionFromV2)
  }
}

const describe = async (client: RestClient, name: string): Promise<TopicDescription> => {
  const [topic, partitions, configs] = await Promise.all([
    client.getTopic(name),
    client.listPartitions(name),
    client.listTopicConfigs(name),
  ])
  return describeTopic(topic, await partitionsOf(client, name, partitions), configs)
}

export const topicsCommand: Command = {
  name: TOPICS,
  summary: 'create, list, describe, alter and delete topics',
  usage: topicsUsage,
  async run(argv, context) {
    const { bootstrapServer, action } = parseTopicsArgs(argv, context.defaultBootstrapServer)
    const client = restClientFor(context, bootstrapServer)
    const { stdout } = context.io
    switch (action.kind) {
      case 'create':
        await client.createTopic({
          name: action.topic,
          ...(action.partitions === undefined ? {} : { partitionsCount: action.partitions }),
          ...(action.replicationFactor === undefined
            ? {}
            : { replicationFactor: action.replicationFactor }),
          configs: action.configs,
        })
        await stdout.write(`Created topic ${action.topic}.\n`)
        return 0
      case 'list': {
        const names = (await client.listTopics()).map((topic) => topic.topic_name).sort()
        await stdout.write(names.map((name) => `${name}\n`).join(''))
        return 0
      }
      case 'describe': {
        const names =
          action.topic === undefined
            ? (await client.listTopics()).map((topic) => topic.topic_name).sort()
            : [action.topic]
        for (const name of names)
          await stdout.write(formatDescription(await describe(client, name)))
        return 0
      }
      case 'alter':
        try {
          await client.setPartitionsCount(action.topic, action.partitions)
        } catch (error) {
          if (!isMissingRoute(error)) throw error
          throw new ServerError(
            404,
            404,
            'the gateway does not serve PATCH /v3/clusters/{cluster_id}/topics/{topic_name}, ' +
              'the REST Proxy call that raises partitions_count',
          )
        }
        return 0
      case 'delete':
        await client.deleteTopic(action.topic)
        return 0
    }
  },
}
