import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

/** A fresh directory for one test, removed when the test ends. */
export function tempDir(prefix = 'tributary-storage-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The runtime executing the tests. */
export function runtimeName(): 'bun' | 'deno' | 'node' {
  const runtime = globalThis as { Bun?: unknown; Deno?: unknown }
  if (runtime.Bun !== undefined) return 'bun'
  if (runtime.Deno !== undefined) return 'deno'
  return 'node'
}

/** Plain bytes, so a `Buffer` from one driver compares equal to a `Uint8Array` from another. */
export function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
