import { defineConfig } from 'vitest/config'

/** `npx vitest` at the root runs every workspace's suite on Node. */
export default defineConfig({
  test: { projects: ['packages/*', 'services/*', 'test'] },
})
