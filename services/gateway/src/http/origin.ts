import type { Context } from 'hono'

/**
 * Where absolute URLs the gateway hands out start (v3 links, a consumer's `base_uri`): the
 * configured advertised URL, else the request's own origin, as the REST Proxy does without
 * advertised listeners. No trailing slash.
 */
export function originOf(c: Context, advertisedUrl: string | undefined): string {
  return (advertisedUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '')
}
