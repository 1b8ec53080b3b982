import { describe, expect, test } from 'vitest'
import { parseGatewayArgs, resolveGatewayConfig } from '../src/config/index.ts'

describe('gateway process settings', () => {
  test('defaults as docs/services.md lists them', () => {
    expect(parseGatewayArgs([], {})).toEqual({
      help: false,
      config: {
        dataDir: './data',
        logLevel: 'info',
        port: 8082,
        host: '0.0.0.0',
        controller: ['http://127.0.0.1:9093'],
        nats: null,
        clusterId: null,
        gateway: {},
      },
    })
  })

  test('flags win over the environment, which wins over defaults', () => {
    const parsed = parseGatewayArgs(['--port', '9000', '--linger-ms', '2', '--acks', '1'], {
      PORT: '7000',
      TRIBUTARY_CONTROLLER: 'http://a:1, http://b:2',
      GATEWAY_ADVERTISED_URL: 'https://kafka.example.com',
      LOG_LEVEL: 'debug',
    })
    expect(parsed).toMatchObject({
      help: false,
      config: {
        port: 9000,
        logLevel: 'debug',
        controller: ['http://a:1', 'http://b:2'],
        gateway: { lingerMs: 2, acks: 1, advertisedUrl: 'https://kafka.example.com' },
      },
    })
    expect(parseGatewayArgs(['--help'], {})).toEqual({ help: true })
    expect(
      parseGatewayArgs(['--offsets-topic-num-partitions', '3'], {
        GATEWAY_CONSUMER_REQUEST_TIMEOUT_MS: '2500',
        GATEWAY_CONSUMER_REQUEST_MAX_BYTES: '1048576',
      }),
    ).toMatchObject({
      config: {
        gateway: {
          offsetsTopicNumPartitions: 3,
          consumerRequestTimeoutMs: 2500,
          consumerRequestMaxBytes: 1_048_576,
        },
      },
    })
  })

  test('--acks takes all, -1, 1 and 0 (GATEWAY_ACKS in the environment); the default is all', () => {
    const acksOf = (argv: string[], env: Record<string, string> = {}) => {
      const parsed = parseGatewayArgs(argv, env)
      return parsed.help ? undefined : resolveGatewayConfig(parsed.config.gateway).acks
    }
    expect(acksOf([])).toBe(-1)
    expect(acksOf(['--acks', 'all'])).toBe(-1)
    expect(acksOf(['--acks=-1'])).toBe(-1)
    expect(acksOf(['--acks', '1'])).toBe(1)
    expect(acksOf(['--acks', '0'])).toBe(0)
    expect(acksOf([], { GATEWAY_ACKS: '0' })).toBe(0)
    expect(() => parseGatewayArgs(['--acks', '2'], {})).toThrow(/--acks=2/)
    expect(() => resolveGatewayConfig({ acks: 2 } as never)).toThrow(/acks/)
  })

  test('the NATS servers and the cluster id go together', () => {
    expect(
      parseGatewayArgs(['--nats', 'nats://a:4222, b:4222'], { TRIBUTARY_CLUSTER_ID: 'c_1' }),
    ).toMatchObject({ config: { nats: ['nats://a:4222', 'b:4222'], clusterId: 'c_1' } })
    expect(() => parseGatewayArgs(['--nats', 'nats://a:4222'], {})).toThrow(/needs --cluster-id/)
    expect(() => parseGatewayArgs(['--cluster-id', 'c'], {})).toThrow(/with --nats/)
    expect(() =>
      parseGatewayArgs(['--cluster-id', 'c'], { TRIBUTARY_NATS_URL: 'ws://a:80' }),
    ).toThrow(/TRIBUTARY_NATS_URL=ws:\/\/a:80/)
    expect(() => parseGatewayArgs(['--cluster-id', 'c*', '--nats', 'nats://a:4222'], {})).toThrow(
      /--cluster-id=c\*/,
    )
  })

  test('a bad value names its flag or variable', () => {
    expect(() => parseGatewayArgs(['--port', 'http'], {})).toThrow(/--port=http/)
    expect(() => parseGatewayArgs([], { GATEWAY_LINGER_MS: '-1' })).toThrow(/GATEWAY_LINGER_MS=-1/)
    expect(() => parseGatewayArgs(['--nope', 'x'], {})).toThrow(/nope/)
  })

  test('the app config refuses unknown keys and out-of-range values', () => {
    expect(resolveGatewayConfig().lingerMs).toBe(0)
    expect(resolveGatewayConfig()).toMatchObject({
      offsetsTopicNumPartitions: 50,
      consumerRequestTimeoutMs: 1000,
      consumerRequestMaxBytes: 64 * 1024 * 1024,
    })
    expect(() => resolveGatewayConfig({ lingerMS: 5 } as never)).toThrow(/invalid gateway config/)
    expect(() => resolveGatewayConfig({ maxInFlightPerPartition: 0 })).toThrow(
      /maxInFlightPerPartition/,
    )
  })
})
