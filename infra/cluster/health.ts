/**
 * What each process is doing right now, from its own reports: the controller's `/health` says
 * whether it is the active controller (when a build's `/health` does not, its latest log line
 * 'active controller' or 'no longer the active controller' does), the broker's says whether it
 * is serving and fenced, the gateway's whether it has cluster metadata, nats whether it answers.
 */
import { readFileSync } from 'node:fs'
import { natsAnswers } from './nats-server.ts'
import { isRunning } from './processes.ts'
import { httpBase, logOf } from './services.ts'
import type { ClusterState, ProcessRecord } from './state.ts'

/** How long one `/health` request may take. */
const HEALTH_TIMEOUT_MS = 2_000

/** One process as observed. */
export interface Observation {
  readonly record: ProcessRecord
  readonly running: boolean
  /** Serving its part: nats answers, a controller answers /health, a broker is serving and unfenced, a gateway has metadata. */
  readonly ready: boolean
  /** Controllers: whether this is the active controller. */
  readonly active?: boolean
  /** Brokers: whether the controller keeps it out of service. */
  readonly fenced?: boolean
  /** A few words for `status`. */
  readonly detail: string
}

/** The order `status` lists roles in. */
const ROLE_ORDER = ['nats', 'controller', 'broker', 'gateway']

/** Observes every process of the cluster at once; nats first, then controllers, brokers, gateways. */
export function observeAll(state: ClusterState): Promise<Observation[]> {
  const records = [...state.processes].sort(
    (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.id - b.id,
  )
  return Promise.all(records.map((record) => observe(state, record)))
}

/** Observes one process. */
export async function observe(state: ClusterState, record: ProcessRecord): Promise<Observation> {
  if (!isRunning(record)) return { record, running: false, ready: false, detail: 'down' }
  if (record.role === 'nats') {
    const ready = await natsAnswers(record.ports.client ?? 0)
    return { record, running: true, ready, detail: ready ? 'JetStream' : 'not answering' }
  }
  const health = await getHealth(`${httpBase(record)}/health`)
  if (health === undefined) {
    return { record, running: true, ready: false, detail: 'starting (no /health yet)' }
  }
  const { status, body } = health
  switch (record.role) {
    case 'controller': {
      const active = typeof body.active === 'boolean' ? body.active : activeFromLog(state, record)
      const epoch =
        typeof body.controllerEpoch === 'number' ? ` (epoch ${body.controllerEpoch})` : ''
      return {
        record,
        running: true,
        ready: status === 200,
        active,
        detail: active ? `active${epoch}` : 'standby',
      }
    }
    case 'broker': {
      const fenced = body.fenced === true
      const serving = body.status === 'serving'
      const what = typeof body.status === 'string' ? body.status : `HTTP ${status}`
      return {
        record,
        running: true,
        ready: serving && !fenced,
        fenced,
        detail: `${what}, ${fenced ? 'fenced' : 'unfenced'}`,
      }
    }
    default:
      return {
        record,
        running: true,
        ready: status === 200,
        detail: status === 200 ? 'ready' : `starting (HTTP ${status})`,
      }
  }
}

/** A `/health` answer: its status and JSON body; undefined when nothing answers. */
async function getHealth(
  url: string,
): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
    const body = (await response.json().catch(() => ({}))) as unknown
    const object = typeof body === 'object' && body !== null ? body : {}
    return { status: response.status, body: object as Record<string, unknown> }
  } catch {
    return undefined
  }
}

/** Whether the controller's own log, since it last started, says it is the active one. */
function activeFromLog(state: ClusterState, record: ProcessRecord): boolean {
  let text: string
  try {
    text = readFileSync(logOf(state, record), 'utf8')
  } catch {
    return false
  }
  let active = false
  for (const line of text.split('\n')) {
    if (!line.includes('active controller')) continue
    try {
      const entry = JSON.parse(line) as { msg?: unknown; pid?: unknown }
      if (entry.pid !== record.pid) continue
      if (entry.msg === 'active controller') active = true
      if (entry.msg === 'no longer the active controller') active = false
    } catch {}
  }
  return active
}
