import { describe, expect, test } from 'vitest'
import {
  base64,
  CLUSTER_ID,
  post,
  startGateway,
  type TestGateway,
  V2,
  V2_BINARY,
  V2_JSON,
} from './helpers/gateway.ts'

/** Asserts a REST Proxy error response: status, `{error_code, message}` and its media type. */
async function expectError(
  response: Response,
  status: number,
  errorCode: number,
  message?: RegExp | string,
  mediaType = 'application/json',
): Promise<void> {
  const body = (await response.json()) as { error_code: unknown; message: unknown }
  expect({ status: response.status, error_code: body.error_code }).toEqual({
    status,
    error_code: errorCode,
  })
  expect(Object.keys(body).sort()).toEqual(['error_code', 'message'])
  expect(typeof body.message).toBe('string')
  if (message !== undefined) expect(body.message).toMatch(message)
  expect(response.headers.get('content-type')).toBe(mediaType)
}

async function gatewayWithTopic(): Promise<TestGateway> {
  const gw = startGateway()
  await gw.createTopic('orders', 2)
  return gw
}

const v3 = `/v3/clusters/${CLUSTER_ID}`
const record = { records: [{ value: base64('v') }] }

describe('v2 content negotiation', () => {
  test('produce takes only the binary and json embedded types: 415 otherwise', async () => {
    const gw = await gatewayWithTopic()
    for (const type of [
      'application/json',
      V2,
      'text/plain',
      'application/vnd.kafka.avro.v2+json',
    ]) {
      await expectError(
        await gw.request('/topics/orders', post(record, type)),
        415,
        415,
        /Unsupported Media Type/,
        V2,
      )
    }
    const none = await gw.request('/topics/orders', {
      method: 'POST',
      body: JSON.stringify(record),
    })
    await expectError(none, 415, 415, undefined, V2)
    const schema = await gw.request(
      '/topics/orders',
      post(record, 'application/vnd.kafka.protobuf.v2+json'),
    )
    await expectError(schema, 415, 415, /Schema Registry/, V2)
  })

  test('responses are vnd.kafka.v2+json, or what Accept prefers among the alternatives; 406 otherwise', async () => {
    const gw = await gatewayWithTopic()
    const plain = await gw.request('/topics')
    expect(plain.headers.get('content-type')).toBe(V2)
    expect(await plain.json()).toEqual(['orders'])
    const json = await gw.request('/topics', { headers: { accept: 'application/json' } })
    expect(json.headers.get('content-type')).toBe('application/json')
    const weighted = await gw.request('/topics', {
      headers: { accept: 'application/json, application/vnd.kafka.v2+json;q=0.9' },
    })
    expect(weighted.headers.get('content-type')).toBe(V2)
    await expectError(
      await gw.request('/topics', { headers: { accept: 'text/html' } }),
      406,
      406,
      undefined,
      V2,
    )
    const produce = await gw.request(
      '/topics/orders',
      post(record, V2_BINARY, { accept: 'text/html' }),
    )
    await expectError(produce, 406, 406, undefined, V2)
  })

  test('the partition read answers in the embedded format Accept names, binary by default', async () => {
    const gw = await gatewayWithTopic()
    await gw.request(
      '/topics/orders/partitions/0',
      post({ records: [{ value: { n: 1 } }] }, V2_JSON),
    )
    const json = await gw.request('/topics/orders/partitions/0/records?offset=0', {
      headers: { accept: V2_JSON },
    })
    expect(json.headers.get('content-type')).toBe(V2_JSON)
    expect(((await json.json()) as { value: unknown }[])[0]?.value).toEqual({ n: 1 })
    const binary = await gw.request('/topics/orders/partitions/0/records?offset=0', {
      headers: { accept: '*/*' },
    })
    expect(binary.headers.get('content-type')).toBe(V2_BINARY)
    expect(((await binary.json()) as { value: unknown }[])[0]?.value).toBe(base64('{"n":1}'))
    const avro = { headers: { accept: 'application/vnd.kafka.avro.v2+json' } }
    await expectError(
      await gw.request('/topics/orders/partitions/0/records?offset=0', avro),
      406,
      406,
      undefined,
      V2,
    )
  })
})

describe('v2 error responses', () => {
  test('unknown topic 40401 and partition 40402, everywhere', async () => {
    const gw = await gatewayWithTopic()
    const topicPaths = [
      '/topics/nope',
      '/topics/nope/partitions',
      '/topics/nope/partitions/0',
      '/topics/nope/partitions/0/records?offset=0',
    ]
    for (const path of topicPaths)
      await expectError(await gw.request(path), 404, 40401, 'Topic not found.', V2)
    await expectError(
      await gw.request('/topics/nope', post(record, V2_BINARY)),
      404,
      40401,
      undefined,
      V2,
    )
    for (const path of [
      '/topics/orders/partitions/2',
      '/topics/orders/partitions/x',
      '/topics/orders/partitions/2/offsets',
    ]) {
      await expectError(await gw.request(path), 404, 40402, 'Partition not found.', V2)
    }
    await expectError(
      await gw.request('/topics/orders/partitions/9', post(record, V2_BINARY)),
      404,
      40402,
      undefined,
      V2,
    )
    const perRecord = post({ records: [{ value: base64('v'), partition: 5 }] }, V2_BINARY)
    await expectError(await gw.request('/topics/orders', perRecord), 404, 40402, undefined, V2)
  })

  test('malformed JSON 400, invalid bodies 422, bad base64 42207, oversized bodies 413', async () => {
    const gw = startGateway({ config: { maxRequestBytes: 2048 } })
    await gw.createTopic('orders', 1)
    await expectError(
      await gw.request('/topics/orders', post('{"records": [', V2_BINARY)),
      400,
      400,
      /JSON/,
      V2,
    )
    await expectError(
      await gw.request('/topics/orders', post({ records: [] }, V2_BINARY)),
      422,
      422,
      /records may not be empty/,
      V2,
    )
    await expectError(
      await gw.request('/topics/orders', post('', V2_BINARY)),
      422,
      422,
      /empty/,
      V2,
    )
    await expectError(
      await gw.request('/topics/orders', post({ records: [{ value: 1 }] }, V2_BINARY)),
      422,
      422,
      /records\[0\]\.value/,
      V2,
    )
    await expectError(
      await gw.request(
        '/topics/orders',
        post({ records: [{ value: 'a', partition: -1 }] }, V2_JSON),
      ),
      422,
      422,
      /partition/,
      V2,
    )
    const badBase64 = post({ records: [{ value: base64('ok') }, { value: '@@@' }] }, V2_BINARY)
    await expectError(
      await gw.request('/topics/orders', badBase64),
      422,
      42207,
      'records[1].value is not valid base64',
      V2,
    )
    const big = post({ records: [{ value: base64('x'.repeat(4000)) }] }, V2_BINARY)
    await expectError(await gw.request('/topics/orders', big), 413, 413, /2048 bytes/, V2)
    await expectError(
      await gw.request('/topics/orders?async=maybe', post(record, V2_BINARY)),
      400,
      400,
      /async/,
      V2,
    )
    // Nothing above was written, and the gateway still serves.
    const ok = await gw.request('/topics/orders', post(record, V2_BINARY))
    expect(((await ok.json()) as { offsets: { offset: number }[] }).offsets[0]?.offset).toBe(0)
  })

  test('bad partition reads: 400 for offset, 40002 for an offset past the end', async () => {
    const gw = await gatewayWithTopic()
    await expectError(
      await gw.request('/topics/orders/partitions/0/records'),
      400,
      400,
      /offset/,
      V2,
    )
    await expectError(
      await gw.request('/topics/orders/partitions/0/records?offset=-1'),
      400,
      400,
      /offset/,
      V2,
    )
    await expectError(
      await gw.request('/topics/orders/partitions/0/records?offset=0&max_bytes=x'),
      400,
      400,
      /max_bytes/,
      V2,
    )
    await expectError(
      await gw.request('/topics/orders/partitions/0/records?offset=10'),
      400,
      40002,
      /10/,
      V2,
    )
  })

  test('unknown paths are 404 with error_code 404', async () => {
    const gw = await gatewayWithTopic()
    await expectError(await gw.request('/nowhere'), 404, 404, 'HTTP 404 Not Found')
  })
})

describe('v3 error responses', () => {
  test('unknown cluster 404, unknown topic or partition 40403', async () => {
    const gw = await gatewayWithTopic()
    await expectError(
      await gw.request('/v3/clusters/other'),
      404,
      404,
      'Cluster other cannot be found.',
    )
    await expectError(await gw.request('/v3/clusters/other/topics'), 404, 404)
    const message = 'This server does not host this topic-partition.'
    for (const path of [
      '/topics/nope',
      '/topics/nope/partitions',
      '/topics/orders/partitions/2',
      '/topics/nope/configs',
    ]) {
      await expectError(await gw.request(`${v3}${path}`), 404, 40403, message)
    }
    await expectError(
      await gw.request(`${v3}/topics/orders/configs/no.such.config`),
      404,
      404,
      /no\.such\.config/,
    )
    await expectError(await gw.request(`${v3}/topics/nope`, { method: 'DELETE' }), 404, 40403)
    const produce = post({ value: { type: 'STRING', data: 'x' } }, 'application/json')
    await expectError(await gw.request(`${v3}/topics/nope/records`, produce), 404, 40403)
  })

  test('create topic: malformed 400, invalid 422, topic exists, bad name, partitions or config 40002', async () => {
    const gw = await gatewayWithTopic()
    const create = (body: unknown) => gw.request(`${v3}/topics`, post(body, 'application/json'))
    await expectError(await create('{"topic_name":'), 400, 400, /JSON/)
    await expectError(await create({ partitions_count: 1 }), 422, 422, /topic_name/)
    await expectError(
      await create({ topic_name: 'orders' }),
      400,
      40002,
      "Topic 'orders' already exists.",
    )
    await expectError(await create({ topic_name: 'bad name!' }), 400, 40002, /illegal/)
    await expectError(
      await create({ topic_name: 'zero', partitions_count: 0 }),
      400,
      40002,
      'Number of partitions must be larger than 0.',
    )
    await expectError(
      await create({ topic_name: 'rf', replication_factor: 0 }),
      400,
      40002,
      /Replication factor/,
    )
    await expectError(
      await create({ topic_name: 'cfg', configs: [{ name: 'retention.ms', value: 'soon' }] }),
      400,
      40002,
      /retention\.ms/,
    )
    await expectError(
      await create({ topic_name: 'cfg', configs: [{ name: 'no.such', value: '1' }] }),
      400,
      40002,
      /no\.such/,
    )
    await expectError(
      await create({ topic_name: 'ra', replicas_assignments: { '0': [1] } }),
      400,
      40002,
      /replicas_assignments/,
    )
    await expectError(
      await gw.request(`${v3}/topics`, post({ topic_name: 'x' }, 'text/plain')),
      415,
      415,
    )
    await expectError(
      await gw.request(`${v3}/topics`, { headers: { accept: 'text/html' } }),
      406,
      406,
    )
    expect(gw.follower.image.topics.map((topic) => topic.name)).toEqual(['orders'])
  })

  test('config changes refuse unknown names and bad values with 40002, bad bodies with 422', async () => {
    const gw = await gatewayWithTopic()
    const put = (name: string, body: unknown) =>
      gw.request(`${v3}/topics/orders/configs/${name}`, {
        ...post(body, 'application/json'),
        method: 'PUT',
      })
    await expectError(await put('retention.ms', { value: 'x' }), 400, 40002, /retention\.ms/)
    await expectError(await put('no.such', { value: '1' }), 400, 40002, /no\.such/)
    await expectError(await put('retention.ms', { other: 1 }), 422, 422, /value/)
    const alter = post({ data: [{ name: 'retention.ms' }] }, 'application/json')
    await expectError(
      await gw.request(`${v3}/topics/orders/configs:alter`, alter),
      422,
      422,
      /value is required/,
    )
  })

  test('v3 produce: empty body 422, first record malformed 400', async () => {
    const gw = await gatewayWithTopic()
    await expectError(
      await gw.request(`${v3}/topics/orders/records`, post('', 'application/json')),
      422,
      422,
    )
    await expectError(
      await gw.request(`${v3}/topics/orders/records`, post('{"value": }', 'application/json')),
      400,
      400,
      /JSON/,
    )
    await expectError(
      await gw.request(`${v3}/topics/orders/records`, post('42', 'application/json')),
      400,
      400,
      /expected a JSON object/,
    )
    await expectError(
      await gw.request(`${v3}/topics/orders/records`, post({}, V2_BINARY)),
      415,
      415,
    )
  })
})
