import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { ZodType } from 'zod'

/**
 * Named schemas for the OpenAPI document. Routes refer to them by `$ref` rather than embedding
 * zod schemas, for two reasons: bodies are parsed and checked by the handlers (so every failure
 * gets the REST Proxy's error code, not the validator's), and responses use the REST Proxy's
 * vendor media types, which typed zod responses cannot express.
 */
const components = new Map<string, ZodType>()

/** Registers `schema` as component `name` and returns it. */
export function named<T extends ZodType>(name: string, schema: T): T {
  components.set(name, schema)
  return schema
}

/** A `$ref` to a component; throws for a name never registered, so a typo fails at startup. */
export function ref(name: string): { $ref: string } {
  if (!components.has(name)) throw new Error(`no OpenAPI component named ${name}`)
  return { $ref: `#/components/schemas/${name}` }
}

/** Adds every component to an app's OpenAPI registry. */
export function registerComponents(app: OpenAPIHono): void {
  for (const [name, schema] of components) app.openAPIRegistry.register(name, schema)
}

export const errorSchema = named(
  'Error',
  z.object({
    error_code: z.number().int().openapi({
      description: 'The REST Proxy error code: its first three digits are the HTTP status',
      example: 40401,
    }),
    message: z.string().openapi({ example: 'Topic not found.' }),
  }),
)

/** Responses for error statuses, all `{error_code, message}`, described for the document. */
export function errorResponses(
  mediaTypes: readonly string[],
  statuses: Readonly<Record<number, string>>,
): Record<number, { description: string; content: Record<string, { schema: { $ref: string } }> }> {
  const out: Record<
    number,
    { description: string; content: Record<string, { schema: { $ref: string } }> }
  > = {}
  for (const [status, description] of Object.entries(statuses)) {
    out[Number(status)] = {
      description,
      content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: ref('Error') }])),
    }
  }
  return out
}

/** One response of `schema` under each media type. */
export function contentOf(mediaTypes: readonly string[], name: string) {
  return Object.fromEntries(mediaTypes.map((type) => [type, { schema: ref(name) }]))
}
