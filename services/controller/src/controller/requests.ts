import { ErrorCode, TributaryError } from '@tributary/core'
import type * as z from 'zod'

/**
 * Checks a request against its schema (core's controller API schemas), filling defaults. In-process
 * callers (combined mode) get the same checks as HTTP callers; a refusal is INVALID_REQUEST naming
 * the field and the problem.
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue?.path.join('.') || 'request'
  throw new TributaryError(
    ErrorCode.InvalidRequest,
    `invalid request: ${where}: ${issue?.message ?? 'unknown problem'}`,
  )
}
