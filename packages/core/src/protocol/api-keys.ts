/**
 * The APIs of the data plane and the versions of each this build speaks. The numbers are Kafka's
 * API keys, so a Kafka user recognises them in a packet capture; the bodies are Tributary's own,
 * simpler layouts (one partition per request), drawn in each API's file.
 *
 * The consumer-group operations are one API of Tributary's own, Group: the coordinator computes
 * assignments and tracks positions itself (as in KIP-848), so Kafka's JoinGroup/SyncGroup
 * handshake has no counterpart. Cluster metadata is not here: it comes from the metadata log.
 */
import { ErrorCode, TributaryError } from '../errors/index.ts'

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  /** A follower asks where its latest leader epoch ends in the leader's log, to truncate there. */
  OffsetsForLeaderEpoch: 23,
  /**
   * Tributary's own: every group-coordinator operation in one API with JSON bodies (see
   * group.ts). Outside Kafka's range, so no Kafka tool mistakes it for one of its group APIs.
   */
  Group: 1000,
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
  [ApiKey.OffsetsForLeaderEpoch]: { min: 0, max: 0 },
  [ApiKey.Group]: { min: 0, max: 0 },
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
