// The long form's watch on service processes, with real broker processes: one whose control
// plane cannot be reached logs a fatal line on stdout and exits 1 before it listens, which the
// watch reports with that line, where the harness's own error quotes only the (empty) stderr; a
// process with bad flags is reported with its stderr; one the suite SIGKILLs is no failure.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type ServiceProcess, startService } from '../../harness/services.ts'
import { type Restartable, renderLogLine, ServiceWatch } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'tributary-watch-'))
const started: ServiceProcess[] = []

afterEach(async () => {
  for (const each of started.splice(0)) {
    if (each.child.exitCode === null && each.child.signalCode === null) each.child.kill('SIGKILL')
    await each.exited
  }
})
process.once('exit', () => rmSync(dir, { recursive: true, force: true }))

/** A port nothing listens on: one the system just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const { port } = server.address() as { port: number }
  await new Promise((closed) => server.close(closed))
  return port
}

/** A broker process as the cluster's handles start it, on these flags each time. */
function broker(args: readonly string[]): Restartable & { process: ServiceProcess } {
  const launch = () => {
    const child = startService(
      'broker',
      ['--port=0', '--http-port=0', `--data-dir=${join(dir, 'broker')}`, ...args],
      { LOG_LEVEL: 'info' },
    )
    started.push(child)
    return child
  }
  const handle = {
    process: launch(),
    async start() {
      handle.process = launch()
      await handle.process.line('broker listening', 30_000)
    },
  }
  return handle
}

describe('service watch', () => {
  it('reports a process that exited, and a start that failed, with their last log lines', async () => {
    const unreachable = ['--broker-id=7', `--nats=nats://127.0.0.1:${await closedPort()}`]
    const handle = broker([...unreachable, '--cluster-id=watch-test'])
    const watch = new ServiceWatch()
    watch.restartable('broker 7', handle)
    await handle.process.exited
    await expect(handle.start()).rejects.toThrow(/exited before logging 'broker listening'/)

    const failures = watch.take()
    expect(failures.map(({ service, what }) => ({ service, what }))).toEqual([
      { service: 'broker 7', what: 'exited with code 1' },
      {
        service: 'broker 7',
        what: "did not start: broker exited before logging 'broker listening'",
      },
    ])
    for (const failure of failures) {
      expect(failure.log.at(-1)).toMatch(/ fatal cannot reach the control plane err=\w+: /)
    }
    expect(watch.take()).toEqual([])
  })

  it('reports what a process said on stderr', async () => {
    const handle = broker(['--broker-id=not-a-number'])
    const watch = new ServiceWatch()
    watch.restartable('broker x', handle)
    await handle.process.exited
    const [failure, ...others] = watch.take()
    expect(others).toEqual([])
    expect(failure?.what).toBe('exited with code 2')
    expect(failure?.stderr[0]).toMatch(/--broker-id .* got 'not-a-number'/)
    expect(failure?.stderr.length).toBeLessThanOrEqual(12)
  })

  it('takes a process the suite SIGKILLed as no failure', async () => {
    // Over HTTP, a broker listens before it reaches its controller.
    const handle = broker(['--broker-id=8', `--controller=http://127.0.0.1:${await closedPort()}`])
    const watch = new ServiceWatch()
    watch.restartable('broker 8', handle)
    await handle.process.line('broker listening', 30_000)
    handle.process.child.kill('SIGKILL')
    await handle.process.exited
    expect(watch.take()).toEqual([])
  })
})

describe('log lines', () => {
  it('render short: time, level, message, error, other fields', () => {
    const line = renderLogLine({
      level: 60,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      service: 'broker',
      pid: 42,
      brokerId: 2,
      err: { type: 'ConnectionError', message: 'connection refused', stack: 'at …' },
      msg: 'cannot reach the control plane',
    })
    expect(line).toBe(
      '2026-01-02T03:04:05.000Z fatal cannot reach the control plane err=ConnectionError: connection refused {"brokerId":2}',
    )
    expect(renderLogLine({ level: 30, msg: 'x'.repeat(1000) })).toHaveLength(401)
  })
})
