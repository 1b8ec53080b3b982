/**
 * How a broker or gateway process reaches the controller and reads the metadata log, whichever
 * way the cluster runs: over NATS (request/reply and the JetStream stream, on one connection,
 * starting from the latest snapshot) when it has NATS servers and a cluster id, else over the
 * controller's HTTP API.
 */
import type { ControllerClient, Logger, MetadataImage, MetadataReader } from '@tributary/core'
import { openNatsControlPlane } from '@tributary/nats'
import { HttpControllerClient, HttpMetadataReader } from '../controller/index.ts'

export interface ControlPlane {
  readonly controller: ControllerClient
  readonly metadata: MetadataReader
  /** The latest metadata snapshot to follow from (NATS only); undefined: the log's start. */
  readonly initialImage: MetadataImage | undefined
  /** For the process's 'listening' line: where the control plane is. */
  readonly where: Record<string, unknown>
  /** Closes what {@link openControlPlane} opened (after the service has stopped). */
  close(): Promise<void>
}

export interface ControlPlaneOptions {
  /** NATS servers; null: use the controller's HTTP API. */
  readonly nats: readonly string[] | null
  /** Required with `nats`. */
  readonly clusterId: string | null
  /** The controller's base URL (or several: the active one answers), for the HTTP way. */
  readonly controllerUrl: string | readonly string[]
  /** The NATS connection's name, as NATS monitoring shows it. */
  readonly name: string
  readonly logger: Logger
}

/** Over NATS with `nats` and `clusterId`; else over HTTP. */
export async function openControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { nats, clusterId, controllerUrl, logger } = options
  if (nats === null || clusterId === null) {
    return {
      controller: new HttpControllerClient({ url: controllerUrl }),
      metadata: new HttpMetadataReader({ url: controllerUrl, logger }),
      initialImage: undefined,
      where: { controller: controllerUrl },
      close: async () => {},
    }
  }
  return openNatsControlPlane({ servers: nats, clusterId, name: options.name, logger })
}
