import { z } from '@hono/zod-openapi'
import type { AssignorName, InstanceConfig } from '@tributary/core'
import { RestError, RestErrorCode } from '../errors/index.ts'
import { describeIssues } from '../records/index.ts'

/** A member silent this long leaves its group: Kafka's session.timeout.ms default. */
export const DEFAULT_SESSION_TIMEOUT_MS = 45_000

const integer = z.union([z.number().int(), z.string().regex(/^-?[0-9]{1,15}$/)]).nullable()

/**
 * The body of `POST /consumers/{group}`: the REST Proxy's ConsumerInstanceConfig, plus the
 * extensions `session.timeout.ms`, `ack.timeout.ms` and `partition.assignment.strategy`.
 * Integers may be numbers or numeric strings, booleans booleans or "true"/"false", as the REST
 * Proxy takes them; null is the same as absent; unknown fields are ignored.
 */
export const createConsumerRequestSchema = z
  .object({
    name: z.string().min(1).max(255).nullable().optional().openapi({
      description:
        'The instance id; the coordinator makes one up (rest-consumer-<uuid>) when absent',
    }),
    id: z
      .string()
      .min(1)
      .max(255)
      .nullable()
      .optional()
      .openapi({ description: 'Deprecated: the same as name', deprecated: true }),
    format: z.string().nullable().optional().openapi({
      description: 'binary (default: keys and values base64) or json (parsed JSON)',
      example: 'binary',
    }),
    'auto.offset.reset': z.string().nullable().optional().openapi({
      description:
        'Where a partition with no committed offset starts: latest (default), earliest, or none (the read fails)',
      example: 'earliest',
    }),
    'auto.commit.enable': z.union([z.string(), z.boolean()]).nullable().optional().openapi({
      description:
        '"true" (default): what a read returns is committed before it is returned (at-most-once); "false": commit with POST .../offsets',
      example: 'false',
    }),
    'fetch.min.bytes': integer.optional().openapi({
      description:
        'Bytes a read waits for before answering; -1 (default): answer as soon as any record is there',
    }),
    'consumer.request.timeout.ms': integer.optional().openapi({
      description: 'The longest a read waits for records; default: the gateway setting (1000)',
    }),
    'session.timeout.ms': integer.optional().openapi({
      description:
        'Extension: a member silent this long leaves the group and its partitions move to others (default 45000)',
    }),
    'ack.timeout.ms': integer.optional().openapi({
      description:
        'Extension, with auto.commit.enable false: records delivered but not committed within this are delivered again (at-least-once). Default: never.',
    }),
    'partition.assignment.strategy': z.string().nullable().optional().openapi({
      description:
        "Extension: range, roundrobin or sticky (default), or Kafka's assignor class names; the group's first member's choice applies",
    }),
  })
  .openapi('V2CreateConsumerRequest')

const assignorNames: Readonly<Record<string, AssignorName>> = {
  range: 'range',
  roundrobin: 'roundrobin',
  sticky: 'sticky',
  'cooperative-sticky': 'sticky',
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'sticky',
}

const invalid = (message: string) => new RestError(RestErrorCode.InvalidConsumerConfig, message)

/**
 * The instance name and config a create request asks for; 422/42204 naming the setting that is
 * wrong (422 for a body of the wrong shape).
 */
export function parseCreateConsumer(body: unknown): {
  name: string | null
  config: InstanceConfig
} {
  const parsed = createConsumerRequestSchema.safeParse(body ?? {})
  if (!parsed.success)
    throw new RestError(RestErrorCode.Unprocessable, describeIssues(parsed.error))
  const request = parsed.data
  const format = request.format ?? 'binary'
  if (format !== 'binary' && format !== 'json') {
    throw invalid(
      `format ${JSON.stringify(format)} is not supported: this gateway has no Schema Registry, so only binary and json are`,
    )
  }
  const reset = request['auto.offset.reset'] ?? 'latest'
  if (reset !== 'latest' && reset !== 'earliest' && reset !== 'none') {
    throw invalid(
      `auto.offset.reset must be latest, earliest or none, got ${JSON.stringify(reset)}`,
    )
  }
  const strategy = request['partition.assignment.strategy'] ?? 'sticky'
  const assignor = assignorNames[strategy]
  if (assignor === undefined) {
    throw invalid(
      `partition.assignment.strategy must be range, roundrobin or sticky, got ${JSON.stringify(strategy)}`,
    )
  }
  const sessionTimeoutMs = int(request['session.timeout.ms'], 'session.timeout.ms', 1)
  return {
    name: request.name ?? request.id ?? null,
    config: {
      format,
      autoOffsetReset: reset,
      autoCommit: bool(request['auto.commit.enable'], 'auto.commit.enable', true),
      fetchMinBytes: int(request['fetch.min.bytes'], 'fetch.min.bytes', -1) ?? -1,
      requestTimeoutMs: int(
        request['consumer.request.timeout.ms'],
        'consumer.request.timeout.ms',
        0,
      ),
      sessionTimeoutMs: sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      ackTimeoutMs: int(request['ack.timeout.ms'], 'ack.timeout.ms', 1),
      assignor,
    },
  }
}

function int(raw: number | string | null | undefined, name: string, min: number): number | null {
  if (raw === undefined || raw === null) return null
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < min || value > 0x7fff_ffff) {
    throw invalid(
      `${name} must be an integer from ${min} to ${0x7fff_ffff}, got ${JSON.stringify(raw)}`,
    )
  }
  return value
}

function bool(raw: string | boolean | null | undefined, name: string, fallback: boolean): boolean {
  if (raw === undefined || raw === null) return fallback
  if (raw === true || raw === 'true') return true
  if (raw === false || raw === 'false') return false
  throw invalid(`${name} must be true or false, got ${JSON.stringify(raw)}`)
}
