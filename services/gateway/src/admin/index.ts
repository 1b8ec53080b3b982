import { type AdminResult, ErrorCode, TributaryError } from '@tributary/core'
import type { MetadataView } from '../routing/index.ts'

/**
 * Admin changes as the REST API makes them: through the controller, then a wait until this
 * gateway's own metadata image has the change, so the client's next request (to this gateway)
 * sees it. Controller failures pass through as the TributaryErrors they are.
 */
export async function applyChange(
  metadata: MetadataView,
  timeoutMs: number,
  change: () => Promise<AdminResult>,
): Promise<void> {
  const result = await change()
  await reach(metadata, result.metadataOffset, timeoutMs)
}

/** Resolves once the image has applied `offset`; a retriable REQUEST_TIMED_OUT after `timeoutMs`. */
export function reach(metadata: MetadataView, offset: number, timeoutMs: number): Promise<void> {
  if (metadata.image.offset >= offset) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new TributaryError(
          ErrorCode.RequestTimedOut,
          `The change was made (metadata offset ${offset}) but this gateway has not seen it within ${timeoutMs} ms`,
        ),
      )
    }, timeoutMs)
    void metadata.waitFor(offset).then(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
