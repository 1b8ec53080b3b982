import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The `start` subcommand (combined mode: controller, broker and gateway in one process) lives
 * in `src/start/index.ts`, exporting `runStart(argv)`. It is the one part of the CLI that
 * depends on the services, so the dispatcher finds it at run time instead of importing it:
 * the rest of the CLI builds, tests and runs without it.
 */

export interface StartModule {
  /**
   * Runs combined mode. Answering (or resolving to) a number ends the process with that exit
   * code; anything else leaves it serving until its own signal handling stops it.
   */
  runStart(argv: readonly string[]): unknown
}

/** `start/index.ts` beside the sources (tsx, vitest), `start/index.js` beside the build. */
const startModuleUrl = (): URL => {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  return new URL(`../start/index${extension}`, import.meta.url)
}

export const hasStart = (): boolean => existsSync(fileURLToPath(startModuleUrl()))

export const loadStart = async (): Promise<StartModule | undefined> => {
  if (!hasStart()) return undefined
  const module = (await import(startModuleUrl().href)) as Partial<StartModule>
  if (typeof module.runStart !== 'function') {
    throw new Error('src/start/index.ts does not export runStart(argv)')
  }
  return module as StartModule
}
