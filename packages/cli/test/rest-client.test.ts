import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { BadResponseError, ServerError } from '../src/errors/index.ts'
import { createRestClient } from '../src/rest/index.ts'
import { createFakeGateway } from './fake-gateway.ts'

describe('the REST client', () => {
  it('asks for the cluster id once and escapes names in paths', async () => {
    const gateway = createFakeGateway()
    gateway.addTopic('a b/c', 1)
    const client = createRestClient({ baseUrl: 'http://gw:1/', fetch: gateway.fetch })
    await client.getTopic('a b/c')
    await client.listPartitions('a b/c')
    expect(gateway.requests.map((r) => r.path)).toEqual([
      '/v3/clusters',
      '/v3/clusters/fake-cluster/topics/a%20b%2Fc',
      '/v3/clusters/fake-cluster/topics/a%20b%2Fc/partitions',
    ])
  })

  it('leaves no listener on the caller’s signal once a request is done', async () => {
    const gateway = createFakeGateway()
    gateway.addTopic('t', 1)
    const client = createRestClient({ baseUrl: 'http://gw:1', fetch: gateway.fetch })
    const signal = new AbortController().signal
    for (let i = 0; i < 3; i++) {
      await client.readPartition({
        topic: 't',
        partition: 0,
        offset: 0,
        maxBytes: 1,
        timeoutMs: 0,
        signal,
      })
      await client.produceBinary('t', [{ value: 'eA==' }], signal)
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })

  it('refuses answers that are not the REST Proxy’s shape', async () => {
    const answer = (body: unknown) =>
      createRestClient({
        baseUrl: 'http://gw:1',
        fetch: async () => new Response(JSON.stringify(body), { status: 200 }),
      })
    await expect(answer({ offsets: [] }).produceBinary('t', [{ value: null }])).rejects.toThrow(
      BadResponseError,
    )
    await expect(answer({ nope: true }).clusterId()).rejects.toThrow(/no data list/)
    await expect(
      answer({}).readPartition({ topic: 't', partition: 0, offset: 0, maxBytes: 1, timeoutMs: 0 }),
    ).rejects.toThrow(/not a list/)
  })

  it('turns an error body into a ServerError and asks for the cluster again after a failure', async () => {
    let calls = 0
    const client = createRestClient({
      baseUrl: 'http://gw:1',
      fetch: async () => {
        calls++
        return calls === 1
          ? new Response('{"error_code":50302,"message":"Broker not available."}', { status: 503 })
          : new Response('{"data":[{"cluster_id":"c"}]}', { status: 200 })
      },
    })
    const failure = await client.clusterId().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ServerError)
    expect(failure).toMatchObject({ status: 503, errorCode: 50302, retriable: true })
    expect(await client.clusterId()).toBe('c')
  })

  it('speaks the REST Proxy consumer dialect: v2 instances, v3 groups, escaped names', async () => {
    const gateway = createFakeGateway()
    gateway.addTopic('t', 1)
    const client = createRestClient({ baseUrl: 'http://gw:1', fetch: gateway.fetch })
    const { instance_id } = await client.createConsumer('a b', {
      name: 'c/1',
      format: 'binary',
      autoOffsetReset: 'earliest',
      autoCommit: false,
      requestTimeoutMs: 500,
    })
    expect(instance_id).toBe('c/1')
    const consumer = { group: 'a b', instance: instance_id }
    await client.subscribe(consumer, ['t'])
    expect(await client.consumeRecords(consumer, { timeoutMs: 10, maxBytes: 99 })).toEqual([])
    await client.commitOffsets(consumer)
    await client.commitOffsets(consumer, [])
    await client.deleteConsumer(consumer)
    await client.listConsumerLags('a b')
    const base = '/consumers/a%20b/instances/c%2F1'
    expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      [
        'POST /consumers/a%20b',
        `POST ${base}/subscription`,
        `GET ${base}/records?timeout=10&max_bytes=99`,
        `POST ${base}/offsets`,
        `POST ${base}/offsets`,
        `DELETE ${base}`,
        'GET /v3/clusters',
        '/v3/clusters/fake-cluster/consumer-groups/a%20b/lags',
      ].map((line) => (line.startsWith('/') ? `GET ${line}` : line)),
    )
    expect(gateway.requests[0]?.body).toEqual({
      name: 'c/1',
      format: 'binary',
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
      'consumer.request.timeout.ms': 500,
    })
    // Commit everything delivered: no body at all, still the v2 content type.
    expect(gateway.requests[3]).toMatchObject({
      body: undefined,
      contentType: 'application/vnd.kafka.v2+json',
    })
    expect(gateway.requests[4]?.body).toEqual({ offsets: [] })
  })
})
