import { BadResponseError, ServerError, UnreachableError } from '../errors/index.ts'
import type { ClusterData } from './types.ts'

/**
 * The HTTP underneath the REST client: one `request` that sends JSON, parses the answer and
 * turns every failure into a CliError (the server's `{error_code, message}` a ServerError, a
 * refused or broken connection an UnreachableError), plus the cluster id v3 paths need. The
 * client's families of calls (topics, consumers, consumer groups) are built on it.
 */

/** v2 control calls' media type. */
export const V2_JSON = 'application/vnd.kafka.v2+json'
/** v2 binary embedded format: keys and values as base64. */
export const V2_BINARY = 'application/vnd.kafka.binary.v2+json'
/** v3's media type. */
export const V3_JSON = 'application/json'

/** The fetch the client calls: the global one, or a test's. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

/** One HTTP call: its method, path below the base URL, and what it sends and accepts. */
export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly accept: string
  /** Sent as JSON; absent: no body. */
  readonly body?: unknown
  /** The body's Content-Type (default application/json); also sent when there is no body. */
  readonly contentType?: string
  readonly signal?: AbortSignal | undefined
}

/** What the families of calls share: the base URL, `request`, and the v3 cluster id. */
export interface Transport {
  readonly baseUrl: string
  /** Sends the request; answers the parsed JSON body, or undefined for 204 or no body. */
  request(spec: RequestSpec): Promise<unknown>
  /** The first cluster of `GET /v3/clusters`, asked once (a failure is asked again). */
  clusterId(): Promise<string>
}

/** A path segment: names may hold any character. */
export const segment = (value: string | number): string => encodeURIComponent(String(value))

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The `data` array of a v3 collection. */
export const dataOf = <T>(body: unknown, what: string): T[] => {
  if (isRecord(body) && Array.isArray(body.data)) return body.data as T[]
  throw new BadResponseError(`the server's ${what} answer has no data list`)
}

/** A v2 answer that is a bare JSON array. */
export const arrayOf = <T>(body: unknown, what: string): T[] => {
  if (Array.isArray(body)) return body as T[]
  throw new BadResponseError(`the server's ${what} answer is not a list`)
}

/** An answer that is one JSON object. */
export const objectOf = <T>(body: unknown, what: string): T => {
  if (isRecord(body)) return body as T
  throw new BadResponseError(`the server's ${what} answer is not an object`)
}

/** The innermost cause's message: fetch says "fetch failed" and hides ECONNREFUSED inside. */
const rootMessage = (error: unknown): string => {
  let current: unknown = error
  while (current instanceof Error && current.cause instanceof Error) current = current.cause
  if (current instanceof Error) {
    const code = (current as { code?: unknown }).code
    return typeof code === 'string' && !current.message.includes(code)
      ? `${code} ${current.message}`
      : current.message
  }
  return String(current)
}

/** A server error body into a ServerError; any other body still gives one readable line. */
export const serverErrorOf = (status: number, statusText: string, text: string): ServerError => {
  try {
    const body: unknown = JSON.parse(text)
    if (isRecord(body) && typeof body.message === 'string') {
      const code = typeof body.error_code === 'number' ? body.error_code : status
      return new ServerError(status, code, body.message)
    }
  } catch {
    // Not JSON: fall through to the status line.
  }
  const detail = text.trim().split('\n')[0]?.slice(0, 200)
  const message = detail ? detail : `HTTP ${status} ${statusText}`.trim()
  return new ServerError(status, status, message)
}

/** A transport to the gateway at `baseUrl` (a trailing slash is ignored). */
export const createTransport = (baseUrlOption: string, fetchOption?: FetchFn): Transport => {
  const baseUrl = baseUrlOption.replace(/\/+$/, '')
  const fetchFn: FetchFn = fetchOption ?? ((input, init) => fetch(input, init))
  let clusterIdPromise: Promise<string> | undefined

  const request = async (spec: RequestSpec): Promise<unknown> => {
    // Each request gets its own signal, tied to the caller's only while it runs: fetch keeps
    // its listener on a signal it was given, and a long-lived one would collect thousands.
    const { signal } = spec
    if (signal === undefined) return send(spec, undefined)
    if (signal.aborted) throw signal.reason
    const controller = new AbortController()
    const abort = (): void => controller.abort(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    try {
      return await send(spec, controller.signal)
    } finally {
      signal.removeEventListener('abort', abort)
    }
  }

  const send = async (spec: RequestSpec, signal: AbortSignal | undefined): Promise<unknown> => {
    const headers: Record<string, string> = { accept: spec.accept }
    if (spec.body !== undefined || spec.contentType !== undefined) {
      headers['content-type'] = spec.contentType ?? V3_JSON
    }
    let response: Response
    try {
      response = await fetchFn(`${baseUrl}${spec.path}`, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        ...(signal === undefined ? {} : { signal }),
      })
    } catch (error) {
      if (signal?.aborted) throw error
      throw new UnreachableError(`cannot reach ${baseUrl}: ${rootMessage(error)}`, error)
    }
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      if (signal?.aborted) throw error
      throw new UnreachableError(`connection to ${baseUrl} broke: ${rootMessage(error)}`, error)
    }
    if (!response.ok) throw serverErrorOf(response.status, response.statusText, text)
    if (response.status === 204 || text.length === 0) return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new BadResponseError(
        `the server answered ${spec.method} ${spec.path} with something that is not JSON`,
      )
    }
  }

  const clusterId = (): Promise<string> => {
    clusterIdPromise ??= request({ method: 'GET', path: '/v3/clusters', accept: V3_JSON }).then(
      (body) => {
        const first = dataOf<ClusterData>(body, 'clusters')[0]
        if (first === undefined || typeof first.cluster_id !== 'string') {
          throw new BadResponseError('the server lists no cluster')
        }
        return first.cluster_id
      },
    )
    // A failed lookup is not cached: the next call asks again.
    clusterIdPromise.catch(() => {
      clusterIdPromise = undefined
    })
    return clusterIdPromise
  }

  return { baseUrl, request, clusterId }
}
