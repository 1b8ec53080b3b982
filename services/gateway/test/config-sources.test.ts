import type { MetadataRecord } from '@tributary/core'
import { describe, expect, test } from 'vitest'
import { CLUSTER_ID, listen, post, startGateway, V2 } from './helpers/gateway.ts'

const v3 = `/v3/clusters/${CLUSTER_ID}`

interface Config {
  name: string
  value: string
  is_default: boolean
  source: string
  synonyms: { name: string; value: string; source: string }[]
}

/** A cluster config record, as the controller writes its `--min-insync-replicas` and the like. */
function clusterConfig(name: string, value: string | null): MetadataRecord {
  return { type: 'config', resourceType: 'cluster', resourceName: '', name, value }
}

/** A gateway on a real socket with topic `t`; requests to it by path. */
async function gatewayWithTopic(configs: Record<string, string> = {}) {
  const gw = startGateway()
  await gw.createTopic('t', 1, configs)
  const origin = `http://127.0.0.1:${await listen(gw)}`
  const config = async (name: string) =>
    (await (await fetch(`${origin}${v3}/topics/t/configs/${name}`)).json()) as Config
  const list = async () =>
    ((await (await fetch(`${origin}${v3}/topics/t/configs`)).json()) as { data: Config[] }).data
  const v2Configs = async () =>
    (
      (await (await fetch(`${origin}/topics/t`, { headers: { accept: V2 } })).json()) as {
        configs: Record<string, string>
      }
    ).configs
  const send = (path: string, init: RequestInit) => fetch(`${origin}${path}`, init)
  return { gw, config, list, v2Configs, send }
}

const DEFAULT_MIN_ISR = { name: 'min.insync.replicas', value: '1', source: 'DEFAULT_CONFIG' }

describe('topic configs show the cluster-wide values', () => {
  test('without an override, the cluster value applies (DYNAMIC_DEFAULT_BROKER_CONFIG), v2 and v3', async () => {
    const { gw, config, list, v2Configs } = await gatewayWithTopic()
    gw.log.append([clusterConfig('min.insync.replicas', '2')])
    const expected = {
      name: 'min.insync.replicas',
      value: '2',
      is_default: false,
      source: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
      synonyms: [
        { name: 'min.insync.replicas', value: '2', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
        DEFAULT_MIN_ISR,
      ],
    }
    expect(await config('min.insync.replicas')).toMatchObject(expected)
    expect((await list()).find((entry) => entry.name === 'min.insync.replicas')).toMatchObject(
      expected,
    )
    expect((await v2Configs())['min.insync.replicas']).toBe('2')
    // Configs the cluster does not set stay at Kafka's defaults.
    expect(await config('retention.ms')).toMatchObject({
      value: '604800000',
      is_default: true,
      source: 'DEFAULT_CONFIG',
      synonyms: [{ name: 'retention.ms', value: '604800000', source: 'DEFAULT_CONFIG' }],
    })
  })

  test('a topic override wins over the cluster value, and both are listed as synonyms', async () => {
    const { gw, config, v2Configs } = await gatewayWithTopic({ 'min.insync.replicas': '3' })
    gw.log.append([clusterConfig('min.insync.replicas', '2')])
    expect(await config('min.insync.replicas')).toMatchObject({
      value: '3',
      is_default: false,
      source: 'DYNAMIC_TOPIC_CONFIG',
      synonyms: [
        { name: 'min.insync.replicas', value: '3', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'min.insync.replicas', value: '2', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
        DEFAULT_MIN_ISR,
      ],
    })
    expect((await v2Configs())['min.insync.replicas']).toBe('3')
  })

  test('resetting the override falls back to the cluster value, removing that to the default', async () => {
    const { gw, config, send } = await gatewayWithTopic({ 'min.insync.replicas': '3' })
    gw.log.append([clusterConfig('min.insync.replicas', '2')])
    const reset = await send(`${v3}/topics/t/configs/min.insync.replicas`, { method: 'DELETE' })
    expect(reset.status).toBe(204)
    expect(await config('min.insync.replicas')).toMatchObject({
      value: '2',
      source: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
    })
    gw.log.append([clusterConfig('min.insync.replicas', null)])
    expect(await config('min.insync.replicas')).toMatchObject({
      value: '1',
      is_default: true,
      source: 'DEFAULT_CONFIG',
      synonyms: [DEFAULT_MIN_ISR],
    })
  })

  test('a v3 PUT under a cluster value shows as the topic’s own', async () => {
    const { gw, config, send } = await gatewayWithTopic()
    gw.log.append([clusterConfig('min.insync.replicas', '2')])
    const put = await send(`${v3}/topics/t/configs/min.insync.replicas`, {
      ...post({ value: '1' }, 'application/json'),
      method: 'PUT',
    })
    expect(put.status).toBe(204)
    // Equal to the static default, yet set on the topic: not a default.
    expect(await config('min.insync.replicas')).toMatchObject({
      value: '1',
      is_default: false,
      source: 'DYNAMIC_TOPIC_CONFIG',
      synonyms: [
        { name: 'min.insync.replicas', value: '1', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'min.insync.replicas', value: '2', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
        DEFAULT_MIN_ISR,
      ],
    })
  })

  test('cluster configs that are not topic configs, or do not parse, are not shown on topics', async () => {
    const { gw, config, list, v2Configs } = await gatewayWithTopic()
    gw.log.append([
      clusterConfig('default.replication.factor', '3'),
      clusterConfig('min.insync.replicas', 'two'),
      clusterConfig('retention.ms', '5000'),
    ])
    const names = (await list()).map((entry) => entry.name)
    expect(names).not.toContain('default.replication.factor')
    expect(Object.keys(await v2Configs())).toEqual(names)
    // The unreadable value is skipped alone; the readable one beside it still applies.
    expect(await config('min.insync.replicas')).toMatchObject({
      value: '1',
      source: 'DEFAULT_CONFIG',
    })
    expect(await config('retention.ms')).toMatchObject({
      value: '5000',
      source: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
    })
  })
})
