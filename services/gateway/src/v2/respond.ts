import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { notAcceptable } from '../errors/index.ts'
import { v2ResponseType } from '../media/index.ts'

/** The v2 response type this request accepts; 406 when it accepts none. */
export function v2Type(c: Context): string {
  const type = v2ResponseType(c.req.header('accept'))
  if (type === undefined) throw notAcceptable()
  return type
}

/** A v2 JSON body under the negotiated (or given) media type. */
export function v2Json(
  c: Context,
  body: unknown,
  status: ContentfulStatusCode = 200,
  type = v2Type(c),
): Response {
  c.header('Content-Type', type)
  return c.body(JSON.stringify(body), status)
}
