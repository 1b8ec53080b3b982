import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MetadataLog } from '@tributary/core'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '@tributary/storage'
import { expect, onTestFinished } from 'vitest'
import { Controller, type ControllerOptions } from '../src/index.ts'

/** How often the embedded log and election look at the shared file in tests. */
const POLL_MS = 20
export const SESSION_TIMEOUT_MS = 9_000

/** A temp dir removed when the test finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-controller-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A clock the test moves: broker sessions expire only when it says so. */
export function manualClock() {
  let now = 1_700_000_000_000
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

export interface StartedController {
  readonly controller: Controller
  readonly log: EmbeddedMetadataLog
  readonly election: EmbeddedControllerElection
  readonly clock: ReturnType<typeof manualClock>
  readonly dir: string
  /** Closes the controller, its election and its log (also done when the test finishes). */
  readonly stop: () => Promise<void>
}

export interface StartOptions extends Partial<ControllerOptions> {
  /** The data dir to share with another controller; default a new temp dir. */
  readonly dir?: string
  /** Wait until active (default true). */
  readonly active?: boolean
  /** Wrap the opened log (to inject a fault). */
  readonly wrapLog?: (log: MetadataLog) => MetadataLog
}

/**
 * A Controller on a real embedded metadata log and election in a temp dir, with a manual clock
 * and no session timer (tests fence with `fenceExpiredBrokers`). Cleaned up when the test ends.
 */
export async function startController(options: StartOptions = {}): Promise<StartedController> {
  const dir = options.dir ?? tempDir()
  const log = await EmbeddedMetadataLog.open({ dir, pollIntervalMs: POLL_MS })
  const election = await EmbeddedControllerElection.open({ dir, pollIntervalMs: POLL_MS })
  const clock = manualClock()
  const controller = new Controller({
    nodeId: 'controller-1',
    now: clock.now,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    sessionCheckIntervalMs: 0,
    ...options,
    log: options.wrapLog?.(log) ?? log,
    election,
  })
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await controller.close()
    await election.close()
    await log.close()
  }
  onTestFinished(stop)
  controller.start()
  if (options.active !== false) await controller.whenActive()
  return { controller, log, election, clock, dir, stop }
}

/** Registers broker `brokerId` and heartbeats it into service; answers its broker epoch. */
export async function addBroker(controller: Controller, brokerId: number): Promise<number> {
  const { brokerEpoch, metadataOffset } = await controller.registerBroker({
    brokerId,
    incarnationId: `incarnation-${brokerId}-${brokerEpochCounter++}`,
    endpoints: [{ name: 'client', host: '127.0.0.1', port: 9092 + brokerId }],
  })
  const { fenced } = await controller.brokerHeartbeat({ brokerId, brokerEpoch, metadataOffset })
  expect(fenced).toBe(false)
  return brokerEpoch
}
let brokerEpochCounter = 0

/** Polls `condition` until it holds, failing after `timeoutMs` (a bound, not a timing claim). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
