/**
 * Group: every group-coordinator operation (core/group) in one API. Its bodies are JSON, not a
 * binary layout: they are small control messages (a heartbeat, a commit, a description) whose
 * shapes will keep growing, and their zod schema is the one definition both ends check. Record
 * data never travels here; the gateway fetches records from partition leaders with Fetch.
 */

import { readUtf8, utf8Length, writeUtf8 } from '../binary/index.ts'
import { ErrorCode, TributaryError, toErrorData } from '../errors/index.ts'
import type { GroupRequest, GroupResponse } from '../group/requests.ts'
import { groupRequestSchema } from '../group/requests.ts'
import { ApiKey, apiVersions, checkApi } from './api-keys.ts'
import { malformed } from './fields.ts'
import type { Frame } from './frame.ts'
import { writeFrame } from './frame.ts'

const VERSION = apiVersions[ApiKey.Group].max

/*
 * Group request and response bodies, version 0:
 *
 *   size  field
 *   n     json  UTF-8 JSON to the end of the frame: a GroupRequest, or a GroupResponse
 */

export function encodeGroupRequest(correlationId: number, request: GroupRequest): Uint8Array {
  return encodeJson({ apiKey: ApiKey.Group, apiVersion: VERSION, correlationId }, request)
}

/** The request in a Group frame; INVALID_REQUEST when it is not JSON or not a known operation. */
export function decodeGroupRequest(frame: Frame): GroupRequest {
  checkApi(frame, ApiKey.Group, 'Group request')
  const parsed = groupRequestSchema.safeParse(parseJson(frame.body, 'Group request'))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}`
    throw malformed(`Group request is malformed${where}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}

export function encodeGroupResponse(correlationId: number, response: GroupResponse): Uint8Array {
  return encodeJson({ apiKey: ApiKey.Group, apiVersion: VERSION, correlationId }, response)
}

/** The response in a Group frame. Its result is trusted as the coordinator's own. */
export function decodeGroupResponse(frame: Frame): GroupResponse {
  checkApi(frame, ApiKey.Group, 'Group response')
  const value = parseJson(frame.body, 'Group response') as GroupResponse
  if (typeof value !== 'object' || value === null || typeof value.ok !== 'boolean') {
    throw malformed('Group response is malformed: no ok field')
  }
  return value
}

/** A failed GroupResponse carrying `error` (anything not a TributaryError becomes a generic error). */
export function groupErrorResponse(error: unknown): GroupResponse {
  const data = toErrorData(error)
  return { ok: false, error: { code: data.code, message: data.message } }
}

function encodeJson(
  header: { apiKey: number; apiVersion: number; correlationId: number },
  value: unknown,
): Uint8Array {
  const text = JSON.stringify(value)
  const size = utf8Length(text)
  return writeFrame(header, size, (writer) => {
    const bytes = new Uint8Array(size)
    writeUtf8(bytes, 0, text)
    writer.writeBytes(bytes)
  })
}

function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(readUtf8(body, 0, body.length))
  } catch (error) {
    throw new TributaryError(ErrorCode.InvalidRequest, `${what} is not JSON`, { cause: error })
  }
}
