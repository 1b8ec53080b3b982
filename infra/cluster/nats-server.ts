/**
 * The cluster's nats-server: the installed binary (Debian's `nats-server` package), a config
 * file under `DIR/nats/` with JetStream storing under `DIR/nats/jetstream`, and a check that it
 * accepts clients.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { delimiter, join } from 'node:path'

/** Where Debian installs the binary, tried when it is not on PATH (sbin often is not). */
const DEBIAN_BINARY = '/usr/sbin/nats-server'

/** How to get nats-server, for the error when it is missing. */
export const INSTALL_HINT =
  'nats-server is not installed. On Debian or Ubuntu: sudo apt-get install nats-server; ' +
  'elsewhere: https://docs.nats.io/running-a-nats-service/introduction/installation ' +
  '(or set NATS_SERVER to the binary)'

/** The nats-server binary: `$NATS_SERVER`, else `nats-server` on PATH, else Debian's path. */
export function findNatsServer(env: Readonly<Record<string, string | undefined>>): string {
  const override = env.NATS_SERVER
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new Error(`NATS_SERVER=${override} does not exist`)
    return override
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, 'nats-server')
    if (existsSync(candidate)) return candidate
  }
  if (existsSync(DEBIAN_BINARY)) return DEBIAN_BINARY
  throw new Error(INSTALL_HINT)
}

/** The binary's major and minor version (`nats-server: v2.9.10` → [2, 9]). */
export function natsServerVersion(binary: string): readonly [number, number] {
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8' })
  const match = /v(\d+)\.(\d+)/.exec(text)
  if (match === null) throw new Error(`cannot read the nats-server version from '${text.trim()}'`)
  return [Number(match[1]), Number(match[2])]
}

/**
 * The config file's text: 127.0.0.1 only, JetStream in `storeDir`. `sync_interval: always`
 * makes JetStream fsync each write before acknowledging it (the metadata log relies on that);
 * nats-server understands it from 2.10 on and 2.9 (Debian 12's 2.9.10) refuses to start with
 * it, so older servers run without it and sync on their own schedule.
 */
export function natsConfigText(
  port: number,
  storeDir: string,
  version: readonly [number, number],
): string {
  const [major, minor] = version
  const syncAlways = major > 2 || (major === 2 && minor >= 10)
  return [
    'host: 127.0.0.1',
    `port: ${port}`,
    'jetstream {',
    `  store_dir: ${JSON.stringify(storeDir)}`,
    '  max_memory_store: 256MB',
    '  max_file_store: 8GB',
    ...(syncAlways ? ['  sync_interval: always'] : []),
    '}',
    '',
  ].join('\n')
}

/** Whether a nats-server answers on `port` with its INFO line within `timeoutMs`. */
export function natsAnswers(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (answer: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('error', () => done(false))
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('INFO')))
  })
}
