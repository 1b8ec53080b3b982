import { ErrorCode, errorFromData, TributaryError } from '@tributary/core'

/** How long a controller request may take (a long-poll's wait comes on top). */
export const DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS = 30_000

export interface ControllerTransportOptions {
  /**
   * The controller's base URL (`http://host:9093`), or every controller's: a request goes to the
   * one that answered last, and moves on to the next when one is unreachable or not active.
   */
  readonly url: string | readonly string[]
  /** Default {@link DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS}. */
  readonly requestTimeoutMs?: number
}

export interface RequestOptions {
  readonly body?: unknown
  /** Time allowed on top of the request timeout (a long-poll's wait). */
  readonly extraTimeoutMs?: number
  /** Aborts the request; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal
}

/**
 * JSON over HTTP to the controller API with global fetch. An error answer comes back as the
 * TributaryError it describes (core's ErrorData); a controller that cannot be reached is
 * NOT_CONTROLLER, retriable (callers treat both alike: find the active controller and try again);
 * one that does not answer in time is REQUEST_TIMED_OUT, since it may have acted.
 */
export class ControllerTransport {
  readonly urls: readonly string[]
  readonly #timeoutMs: number
  #current = 0

  constructor(options: ControllerTransportOptions) {
    const urls = typeof options.url === 'string' ? [options.url] : [...options.url]
    if (urls.length === 0) {
      throw new TributaryError(ErrorCode.InvalidConfig, 'controller client: give at least one url')
    }
    this.urls = urls.map((url) => {
      try {
        return new URL(url).href.replace(/\/+$/, '')
      } catch (error) {
        throw new TributaryError(ErrorCode.InvalidConfig, `not a controller URL: ${url}`, {
          cause: error,
        })
      }
    })
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_CONTROLLER_REQUEST_TIMEOUT_MS
  }

  /**
   * Sends to each controller in turn, starting with the last that answered, until one answers as
   * the active controller; NOT_CONTROLLER from every one rejects with the last such error.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    let lastError: unknown
    for (let i = 0; i < this.urls.length; i++) {
      const index = (this.#current + i) % this.urls.length
      try {
        const answer = await this.#send(this.urls[index] as string, method, path, options)
        this.#current = index
        return answer
      } catch (error) {
        if (options.signal?.aborted) throw error
        if (!(error instanceof TributaryError) || error.code !== ErrorCode.NotController)
          throw error
        lastError = error
      }
    }
    throw lastError
  }

  async #send(base: string, method: string, path: string, options: RequestOptions) {
    const timeoutMs = this.#timeoutMs + (options.extraTimeoutMs ?? 0)
    // One controller per request, aborted by the caller's signal or the timeout; both are
    // unhooked afterwards, so a long-lived caller signal (a follow's) collects nothing.
    const abort = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      abort.abort()
    }, timeoutMs)
    const forward = () => abort.abort(options.signal?.reason)
    options.signal?.addEventListener('abort', forward, { once: true })
    let status: number
    let text: string
    try {
      if (options.signal?.aborted) throw options.signal.reason
      const response = await fetch(`${base}${path}`, {
        method,
        headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: abort.signal,
      })
      status = response.status
      text = await response.text()
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason
      if (timedOut) {
        throw new TributaryError(
          ErrorCode.RequestTimedOut,
          `controller at ${base} did not answer ${method} ${path} within ${timeoutMs} ms`,
          { cause: error },
        )
      }
      throw new TributaryError(
        ErrorCode.NotController,
        `controller at ${base} is unreachable: ${describe(error)}`,
        { cause: error, retriable: true },
      )
    } finally {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', forward)
    }
    const data = parseJson(text)
    if (status >= 200 && status < 300) {
      if (data === undefined) throw unexpected(base, `HTTP ${status} without a JSON body`)
      return data
    }
    if (isErrorData(data)) throw errorFromData(data)
    if (status === 502 || status === 503 || status === 504) {
      throw new TributaryError(
        ErrorCode.NotController,
        `controller at ${base} is unavailable (HTTP ${status})`,
        { retriable: true },
      )
    }
    throw unexpected(base, `HTTP ${status}`)
  }
}

/** An answer that is not what the controller API promises. */
export function unexpected(base: string, what: string): TributaryError {
  return new TributaryError(
    ErrorCode.UnknownServerError,
    `unexpected answer from the controller at ${base}: ${what}`,
  )
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isErrorData(
  value: unknown,
): value is { code: string; message: string; retriable?: boolean } {
  if (typeof value !== 'object' || value === null) return false
  const { code, message, retriable } = value as Record<string, unknown>
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (retriable === undefined || typeof retriable === 'boolean')
  )
}

/** The innermost reason a fetch failed (`ECONNREFUSED` …), without a stack. */
function describe(error: unknown): string {
  let current = error
  while (current instanceof Error && current.cause !== undefined) current = current.cause
  if (current instanceof Error) {
    const code = (current as Error & { code?: unknown }).code
    return current.message || (typeof code === 'string' ? code : current.name)
  }
  return String(current)
}
