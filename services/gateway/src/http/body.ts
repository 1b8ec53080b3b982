import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { malformedJson, payloadTooLarge } from '../errors/index.ts'

/**
 * Reads a whole request body, refusing it (413) as soon as it passes `limitBytes`, so an
 * oversized upload is never buffered whole.
 */
export async function readBody(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limitBytes) throw payloadTooLarge(limitBytes)
  if (request.body === null) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limitBytes) {
      await reader.cancel().catch(() => {})
      throw payloadTooLarge(limitBytes)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.length
  }
  return body
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses JSON text; malformed JSON (or bytes that are not UTF-8) is a 400 whose message says
 * where, as the REST Proxy answers Jackson's parse errors. An empty body parses as undefined.
 */
export function parseJson(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw malformedJson('Request body is not valid UTF-8')
  }
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw malformedJson(`Malformed JSON: ${(error as Error).message}`)
  }
}

/** {@link readBody} then {@link parseJson}. */
export async function readJson(request: Request, limitBytes: number): Promise<unknown> {
  return parseJson(await readBody(request, limitBytes))
}

/**
 * The JSON body of a request that may be a GET with a body, as the REST Proxy's
 * `GET .../offsets` takes one. The Fetch API has no body on a GET, so under @hono/node-server it
 * is read from the Node request itself; undefined when there is none.
 */
export async function readGetJson(c: Context, limitBytes: number): Promise<unknown> {
  if (c.req.raw.body !== null) return readJson(c.req.raw, limitBytes)
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (incoming === undefined || typeof incoming.on !== 'function') return undefined
  const length = Number(incoming.headers['content-length'] ?? 0)
  if (!(length > 0) && incoming.headers['transfer-encoding'] === undefined) return undefined
  if (length > limitBytes) throw payloadTooLarge(limitBytes)
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > limitBytes) throw payloadTooLarge(limitBytes)
    chunks.push(chunk)
  }
  return parseJson(new Uint8Array(Buffer.concat(chunks)))
}
