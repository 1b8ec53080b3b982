import { ErrorCode } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { parseControllerConfig } from '../src/index.ts'

const configOf = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseControllerConfig(argv, env)
  if (parsed.help) throw new Error('unexpected --help')
  return parsed.config
}

describe('parseControllerConfig', () => {
  it('takes flags over environment over defaults', () => {
    expect(configOf([])).toEqual({
      dataDir: './data',
      logLevel: 'info',
      port: 9093,
      host: '0.0.0.0',
      nodeId: 'controller-1',
      sessionTimeoutMs: 9_000,
      leaseMs: 3_000,
      nats: null,
      clusterId: null,
      defaultReplicationFactor: null,
      minInsyncReplicas: null,
    })
    const env = {
      TRIBUTARY_DATA_DIR: '/env/data',
      LOG_LEVEL: 'debug',
      CONTROLLER_PORT: '7000',
      CONTROLLER_ID: 'env-id',
      CONTROLLER_SESSION_TIMEOUT_MS: '3000',
    }
    expect(configOf([], env)).toMatchObject({
      dataDir: '/env/data',
      logLevel: 'debug',
      port: 7000,
      nodeId: 'env-id',
      sessionTimeoutMs: 3000,
    })
    expect(
      configOf(['--port', '0', '--node-id', 'flag-id', '--data-dir=/flag'], env),
    ).toMatchObject({
      dataDir: '/flag',
      logLevel: 'debug',
      port: 0,
      nodeId: 'flag-id',
    })
    expect(configOf([], { CONTROLLER_PORT: '' }).port).toBe(9093)
    expect(parseControllerConfig(['--help'], {})).toEqual({ help: true })
  })

  it('reads the NATS servers and the cluster id, which --nats requires', () => {
    expect(
      configOf(['--nats', 'nats://a:4222, tls://b:4222,c:4222', '--cluster-id', 'prod_1-A']),
    ).toMatchObject({
      nats: ['nats://a:4222', 'tls://b:4222', 'c:4222'],
      clusterId: 'prod_1-A',
    })
    const env = { TRIBUTARY_NATS_URL: 'nats://env:4222', TRIBUTARY_CLUSTER_ID: 'env-cluster' }
    expect(configOf([], env)).toMatchObject({ nats: ['nats://env:4222'], clusterId: 'env-cluster' })
    expect(configOf(['--cluster-id=flag-cluster'], env).clusterId).toBe('flag-cluster')
    // Without NATS the cluster id still names a new embedded log (and guards an existing one).
    expect(configOf(['--cluster-id', 'solo'])).toMatchObject({ nats: null, clusterId: 'solo' })
    expect(configOf(['--lease-ms', '1500'], { CONTROLLER_LEASE_MS: '9000' }).leaseMs).toBe(1500)
  })

  it('reads the cluster defaults for replication', () => {
    expect(
      configOf(['--default-replication-factor', '3', '--min-insync-replicas=2']),
    ).toMatchObject({ defaultReplicationFactor: 3, minInsyncReplicas: 2 })
    const env = { CONTROLLER_DEFAULT_REPLICATION_FACTOR: '2', CONTROLLER_MIN_INSYNC_REPLICAS: '1' }
    expect(configOf([], env)).toMatchObject({ defaultReplicationFactor: 2, minInsyncReplicas: 1 })
    expect(configOf(['--min-insync-replicas', '2'], env)).toMatchObject({
      defaultReplicationFactor: 2,
      minInsyncReplicas: 2,
    })
  })

  it('refuses bad values and unknown flags with INVALID_CONFIG naming them', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--port', '70000'], {}, /--port=70000/],
      [[], { CONTROLLER_PORT: '1.5' }, /CONTROLLER_PORT=1\.5/],
      [[], { LOG_LEVEL: 'loud' }, /LOG_LEVEL=loud/],
      [['--session-timeout-ms', '0'], {}, /--session-timeout-ms=0/],
      [['--verbose'], {}, /verbose/],
      [['extra'], {}, /extra/],
      [['--lease-ms', '0'], {}, /--lease-ms=0/],
      [['--nats', 'http://a:4222', '--cluster-id', 'c'], {}, /'http:\/\/a:4222' is not a NATS/],
      [['--nats', ' , '], { TRIBUTARY_CLUSTER_ID: 'c' }, /--nats/],
      [[], { TRIBUTARY_CLUSTER_ID: 'no spaces' }, /TRIBUTARY_CLUSTER_ID=no spaces: cluster id/],
      [['--cluster-id', 'x'.repeat(65)], {}, /--cluster-id/],
      [['--nats', 'nats://a:4222'], {}, /needs --cluster-id/],
      [['--default-replication-factor', '0'], {}, /--default-replication-factor=0/],
      [[], { CONTROLLER_DEFAULT_REPLICATION_FACTOR: 'three' }, /CONTROLLER_DEFAULT_REPLICATION/],
      [['--min-insync-replicas', '1.5'], {}, /--min-insync-replicas=1\.5/],
    ]
    for (const [argv, env, message] of cases) {
      expect(() => parseControllerConfig(argv, env)).toThrow(
        expect.objectContaining({
          code: ErrorCode.InvalidConfig,
          message: expect.stringMatching(message),
        }),
      )
    }
  })
})
