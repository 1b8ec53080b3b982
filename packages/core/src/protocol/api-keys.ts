/**
 * The APIs of the data plane and the versions of each this build speaks. The numbers are Kafka's
 * API keys, so a Kafka user recognises them in a packet capture; the bodies are Tributary's own,
 * simpler layouts (one partition per request), drawn in each API's file.
 *
 * Reserved for later, with Kafka's numbers: OffsetsForLeaderEpoch = 23 (a follower's truncation
 * after a leader change) and the consumer-group APIs (FindCoordinator = 10, JoinGroup = 11,
 * Heartbeat = 12, LeaveGroup = 13, SyncGroup = 14, OffsetCommit = 8, OffsetFetch = 9).
 * Cluster metadata is not here: it comes from the metadata log.
 */
import { ErrorCode, TributaryError } from '../errors/index.ts'

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
} as const

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey]

export interface ApiVersionRange {
  readonly min: number
  readonly max: number
}

/** The versions of each API this build can decode; encoders write `max`. */
export const apiVersions: Readonly<Record<ApiKey, ApiVersionRange>> = {
  [ApiKey.Produce]: { min: 0, max: 0 },
  [ApiKey.Fetch]: { min: 0, max: 0 },
  [ApiKey.ListOffsets]: { min: 0, max: 0 },
}

const names = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]))

export function isApiKey(value: number): value is ApiKey {
  return names.has(value)
}

/** 'Produce', 'Fetch' …, or 'apiKey 99' for a number this build does not know. */
export function apiKeyName(apiKey: number): string {
  return names.get(apiKey) ?? `apiKey ${apiKey}`
}

/**
 * Throws unless a frame carries `apiKey` at a version this build decodes: INVALID_REQUEST for
 * another API's frame, UNSUPPORTED_VERSION for a version outside {@link apiVersions}.
 */
export function checkApi(
  frame: { readonly apiKey: number; readonly apiVersion: number },
  apiKey: ApiKey,
  what: string,
): void {
  if (frame.apiKey !== apiKey) {
    throw new TributaryError(
      ErrorCode.InvalidRequest,
      `expected a ${what}, got a frame of ${apiKeyName(frame.apiKey)}`,
    )
  }
  const { min, max } = apiVersions[apiKey]
  if (frame.apiVersion < min || frame.apiVersion > max) {
    throw new TributaryError(
      ErrorCode.UnsupportedVersion,
      `${what} version ${frame.apiVersion} is not supported (versions ${min} to ${max} are)`,
    )
  }
}
