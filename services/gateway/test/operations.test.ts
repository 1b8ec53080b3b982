import { MetadataFollower } from '@tributary/core'
import { describe, expect, test } from 'vitest'
import { createGatewayApp } from '../src/index.ts'
import { TestController } from './helpers/controller.ts'
import { base64, post, startGateway, V2_BINARY } from './helpers/gateway.ts'
import { LogDataPlane } from './helpers/log-data-plane.ts'
import { MemoryMetadataLog } from './helpers/memory-metadata-log.ts'

interface OpenApiDocument {
  openapi: string
  info: { title: string; description: string }
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }
    >
  >
  components: { schemas: Record<string, unknown> }
}

describe('the OpenAPI document', () => {
  test('documents every route the app serves, with its parameters and error responses', async () => {
    const gw = startGateway()
    const response = await gw.request('/openapi.json')
    expect(response.headers.get('content-type')).toBe('application/json')
    const document = (await response.json()) as OpenApiDocument
    expect(document.openapi).toMatch(/^3\./)
    const served = gw.app.app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/\/:([^/]+)/g, '/{$1}')}`)
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    )
    expect(new Set(served).size).toBeGreaterThan(25)
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort())
    for (const [path, operations] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/{([^}]+)}/g)].map((match) => match[1])
      for (const operation of Object.values(operations)) {
        const parameters = (operation.parameters ?? []).filter(
          (parameter) => parameter.in === 'path',
        )
        expect(parameters.map((parameter) => parameter.name).sort(), path).toEqual(
          [...names].sort(),
        )
      }
    }
    // Every $ref resolves.
    const text = JSON.stringify(document)
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(document.components.schemas, name).toHaveProperty(name as string)
    }
    expect(Object.keys(document.paths['/topics/{topic}']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '404', '415', '422']),
    )
    expect(document.info.description).toMatch(/Deliberate differences/)
    expect(document.info.description).toMatch(/at-most-once/i)
  })

  test('/docs is a browsable page over the document', async () => {
    const gw = startGateway()
    const response = await gw.request('/docs')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    expect(await response.text()).toContain('/openapi.json')
  })
})

describe('health and metrics', () => {
  test('/health is ok once the gateway has cluster metadata, 503 before', async () => {
    const gw = startGateway()
    expect(await (await gw.request('/health')).json()).toEqual({
      status: 'ok',
      cluster_id: 'test-cluster-1',
      metadata_offset: 1,
    })
    const log = new MemoryMetadataLog()
    const follower = new MetadataFollower()
    follower.start(log)
    const dataPlane = new LogDataPlane()
    const empty = createGatewayApp({
      metadata: follower,
      controller: new TestController(log, () => follower.image),
      dataPlane,
      processMetrics: false,
    })
    const response = await empty.app.request('/health')
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'starting', cluster_id: null })
    await empty.close()
    await dataPlane.close()
  })

  test('/metrics counts requests by route and batches by size, in Prometheus text', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    await gw.request(
      '/topics/t',
      post({ records: [{ value: base64('a') }, { value: base64('b') }] }, V2_BINARY),
    )
    await gw.request('/topics/nope')
    const response = await gw.request('/metrics')
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await response.text()
    expect(text).toContain(
      'tributary_gateway_http_requests_total{method="POST",route="/topics/:topic",status="200"} 1',
    )
    expect(text).toContain(
      'tributary_gateway_http_requests_total{method="GET",route="/topics/:topic",status="404"} 1',
    )
    expect(text).toContain('tributary_gateway_produce_batches_total 1')
    expect(text).toContain('tributary_gateway_produce_batch_records_sum 2')
  })
})

describe('graceful close', () => {
  test('settles what was accepted, then answers 503 with Retry-After', async () => {
    const gw = startGateway()
    await gw.createTopic('t', 1)
    const accepted = await gw.request(
      '/topics/t?async=true',
      post({ records: [{ value: base64('a') }] }, V2_BINARY),
    )
    expect(accepted.status).toBe(202)
    await gw.app.close()
    expect(gw.dataPlane.produced).toHaveLength(1)
    const refused = await gw.request(
      '/topics/t',
      post({ records: [{ value: base64('b') }] }, V2_BINARY),
    )
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('0')
    expect(await refused.json()).toEqual({
      error_code: 503,
      message: 'The gateway is shutting down',
    })
    expect((await gw.request('/health')).status).toBe(200)
  })
})
