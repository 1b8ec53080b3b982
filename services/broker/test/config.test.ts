import { ErrorCode, TributaryError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { BROKER_USAGE, parseBrokerConfig } from '../src/config/index.ts'

function config(argv: string[], env: Record<string, string> = {}, hostname?: string) {
  const parsed = parseBrokerConfig(argv, env, hostname)
  if (parsed.help) throw new Error('unexpected --help')
  return parsed.config
}

function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseBrokerConfig(argv, env)
  } catch (error) {
    if (error instanceof TributaryError && error.code === ErrorCode.InvalidConfig) {
      return error.message
    }
    throw error
  }
  throw new Error('expected INVALID_CONFIG')
}

describe('broker config', () => {
  it('has the defaults of docs/services.md', () => {
    expect(config([])).toEqual({
      brokerId: 1,
      dataDir: './data',
      host: '127.0.0.1',
      advertisedHost: '127.0.0.1',
      port: 9092,
      httpPort: 9094,
      controllerUrl: 'http://127.0.0.1:9093',
      logLevel: 'info',
      heartbeatIntervalMs: 1000,
      retentionCheckIntervalMs: 300_000,
      flushMode: 'fsync',
      groupMinSessionTimeoutMs: 6_000,
      groupMaxSessionTimeoutMs: 1_800_000,
      consumerInstanceTimeoutMs: 300_000,
      rack: null,
      replicaLagTimeMaxMs: 30_000,
      nats: null,
      clusterId: null,
    })
  })

  it('reads its rack, the NATS servers and the cluster id, which go together', () => {
    expect(
      config(['--nats', 'nats://a:4222,b:4222', '--cluster-id', 'c-1', '--rack', 'eu-1a']),
    ).toMatchObject({ nats: ['nats://a:4222', 'b:4222'], clusterId: 'c-1', rack: 'eu-1a' })
    const env = {
      TRIBUTARY_NATS_URL: 'tls://env:4222',
      TRIBUTARY_CLUSTER_ID: 'env-cluster',
      BROKER_RACK: 'r2',
    }
    expect(config([], env)).toMatchObject({
      nats: ['tls://env:4222'],
      clusterId: 'env-cluster',
      rack: 'r2',
    })
    expect(config(['--rack', 'r3'], env).rack).toBe('r3')
    expect(config([], { BROKER_RACK: '' }).rack).toBeNull()
    expect(refusal(['--nats', 'nats://a:4222'])).toContain('needs --cluster-id')
    expect(refusal(['--cluster-id', 'c'])).toContain('with --nats')
    expect(refusal(['--nats', 'http://a:4222', '--cluster-id', 'c'])).toContain('--nats')
    expect(refusal(['--nats', 'nats://a:4222', '--cluster-id', 'a.b'])).toContain('--cluster-id')
  })

  it('takes the group coordinator settings from flags and environment variables', () => {
    const env = {
      BROKER_GROUP_MIN_SESSION_TIMEOUT_MS: '1000',
      BROKER_CONSUMER_INSTANCE_TIMEOUT_MS: '60000',
    }
    expect(config(['--group-max-session-timeout-ms', '90000'], env)).toMatchObject({
      groupMinSessionTimeoutMs: 1000,
      groupMaxSessionTimeoutMs: 90_000,
      consumerInstanceTimeoutMs: 60_000,
    })
    expect(
      refusal([
        '--group-min-session-timeout-ms',
        '10000',
        '--group-max-session-timeout-ms',
        '5000',
      ]),
    ).toContain('--group-min-session-timeout-ms')
    expect(refusal(['--consumer-instance-timeout-ms', '0'])).toContain(
      '--consumer-instance-timeout-ms',
    )
  })

  it('takes flags over environment variables over defaults', () => {
    const env = {
      BROKER_ID: '7',
      BROKER_PORT: '19092',
      BROKER_HTTP_PORT: '19094',
      TRIBUTARY_CONTROLLER: 'http://controller:9093',
      TRIBUTARY_DATA_DIR: '/var/lib/tributary',
      LOG_LEVEL: 'debug',
    }
    expect(config([], env)).toMatchObject({
      brokerId: 7,
      port: 19092,
      httpPort: 19094,
      controllerUrl: 'http://controller:9093',
      dataDir: '/var/lib/tributary',
      logLevel: 'debug',
    })
    expect(config(['--broker-id', '3', '--port=0', '--flush-mode', 'os'], env)).toMatchObject({
      brokerId: 3,
      port: 0,
      httpPort: 19094,
      flushMode: 'os',
    })
  })

  it('advertises this machine when binding to every interface', () => {
    expect(config(['--host', '0.0.0.0'], {}, 'broker-7.local').advertisedHost).toBe(
      'broker-7.local',
    )
    expect(config(['--host', '0.0.0.0', '--advertised-host', 'b7'], {}).advertisedHost).toBe('b7')
  })

  it('refuses unknown flags and malformed values, naming them', () => {
    expect(refusal(['--brokers', '1'])).toContain('brokers')
    expect(refusal(['--port', '70000'])).toContain('--port')
    expect(refusal([], { BROKER_ID: 'one' })).toContain('BROKER_ID')
    expect(refusal(['--controller', 'not a url'])).toContain('--controller')
    expect(refusal(['--log-level', 'loud'])).toContain('--log-level')
    expect(refusal(['--flush-mode', 'never'])).toContain('--flush-mode')
  })

  it('answers --help with the usage, which names every flag', () => {
    expect(parseBrokerConfig(['--help'], {})).toEqual({ help: true })
    for (const flag of [
      '--broker-id',
      '--port',
      '--http-port',
      '--controller',
      '--data-dir',
      '--group-min-session-timeout-ms',
      '--group-max-session-timeout-ms',
      '--consumer-instance-timeout-ms',
      '--nats',
      '--cluster-id',
      '--rack',
    ]) {
      expect(BROKER_USAGE).toContain(flag)
    }
  })
})
