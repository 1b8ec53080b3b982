import type { z } from '@hono/zod-openapi'

/** A zod failure as one readable line naming the field, e.g. `records[2].partition: …`. */
export function describeIssues(error: z.ZodError, root = ''): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'Invalid request'
  let path = root
  for (const part of issue.path) {
    path += typeof part === 'number' ? `[${part}]` : path === '' ? String(part) : `.${String(part)}`
  }
  return path === '' ? issue.message : `${path}: ${issue.message}`
}
