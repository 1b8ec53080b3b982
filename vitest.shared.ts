import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

/**
 * The vitest settings every package shares. Workspace packages resolve to their TypeScript
 * sources through the `@tributary/source` export condition, so tests never need a build first.
 */
const conditions = ['@tributary/source', ...defaultServerConditions]

export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
