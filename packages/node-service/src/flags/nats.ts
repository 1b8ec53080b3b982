import { checkClusterId, InvalidConfigError, TributaryError } from '@tributary/core'
import * as z from 'zod'

/**
 * The flags every service takes to run its control plane on NATS: `--nats` (servers) and
 * `--cluster-id`, as schemas for {@link settingReader} and as plain parsers.
 */

/** `nats://host:port`, `tls://host:port`, or a bare `host:port`. */
export function isNatsServer(server: string): boolean {
  const scheme = /^([a-z]+):\/\//.exec(server)?.[1]
  if (scheme !== undefined && scheme !== 'nats' && scheme !== 'tls') return false
  return URL.canParse(scheme === undefined ? `nats://${server}` : server)
}

/**
 * `--nats`: one NATS server URL or several, comma-separated; throws a RangeError naming the
 * first that is not one.
 */
export function parseNatsServers(text: string): string[] {
  const servers = text
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '')
  const bad = servers.length === 0 ? text : servers.find((server) => !isNatsServer(server))
  if (bad !== undefined) throw new RangeError(`'${bad}' is not a NATS server URL`)
  return servers
}

/** `--cluster-id` as core's checkClusterId allows it; throws a RangeError saying why not. */
export function parseClusterId(text: string): string {
  try {
    return checkClusterId(text)
  } catch (error) {
    if (error instanceof TributaryError) throw new RangeError(error.message)
    throw error
  }
}

/** {@link parseNatsServers} as an optional setting's schema. */
export function natsServersSchema() {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined
      try {
        return parseNatsServers(text)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
        return z.NEVER
      }
    })
}

/** {@link parseClusterId} as an optional setting's schema. */
export function clusterIdSchema() {
  return z
    .string()
    .optional()
    .superRefine((id, ctx) => {
      if (id === undefined) return
      try {
        parseClusterId(id)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
      }
    })
}

/** A service's NATS settings once paired: both given (NATS), or neither. */
export interface NatsSettings {
  readonly nats: readonly string[] | null
  readonly clusterId: string | null
}

/**
 * Checks that `--nats` comes with `--cluster-id` (it names the cluster on NATS) and, unless
 * `clusterIdAlone` allows it (the controller names a new embedded log with it), that
 * `--cluster-id` comes with `--nats`. Throws INVALID_CONFIG naming both flags.
 */
export function pairNatsSettings(
  nats: readonly string[] | null | undefined,
  clusterId: string | null | undefined,
  options: { readonly clusterIdAlone?: boolean } = {},
): NatsSettings {
  const settings = { nats: nats ?? null, clusterId: clusterId ?? null }
  if (settings.nats !== null && settings.clusterId === null) {
    throw new InvalidConfigError(
      '--nats (TRIBUTARY_NATS_URL) needs --cluster-id (TRIBUTARY_CLUSTER_ID): it names the cluster on NATS',
    )
  }
  if (settings.nats === null && settings.clusterId !== null && options.clusterIdAlone !== true) {
    throw new InvalidConfigError(
      '--cluster-id (TRIBUTARY_CLUSTER_ID) is used with --nats (TRIBUTARY_NATS_URL) only',
    )
  }
  return settings
}
