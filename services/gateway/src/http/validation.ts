import type { z } from '@hono/zod-openapi'
import { badRequest } from '../errors/index.ts'

/**
 * The hook of every route's parameter validation (the document's path and query schemas): a
 * failure is a 400 naming the parameter. Bodies are not validated here; handlers parse them.
 */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
): void {
  if (result.success) return
  const issue = result.error.issues[0]
  const name = issue?.path.map(String).join('.') ?? ''
  const where = result.target === 'query' ? 'Query parameter' : 'Parameter'
  throw badRequest(`${where} ${name} is missing or invalid: ${issue?.message ?? 'invalid'}`)
}
