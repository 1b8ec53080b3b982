#!/usr/bin/env node
import { createProcessIo } from './io/index.ts'
import { main } from './main/index.ts'

// The entry file: the one place that reads process.argv and process.env.
const io = createProcessIo()
const code = await main(process.argv.slice(2), {
  io,
  bootstrapServer: process.env.TRIBUTARY_BOOTSTRAP_SERVER,
})
if (code !== undefined) {
  io.dispose()
  // Exit once what was written has reached stdout and stderr; fetch's idle keep-alive
  // connections would otherwise hold the process a few seconds.
  const flushed = (stream: NodeJS.WriteStream): Promise<void> =>
    new Promise((resolve) => stream.write('', () => resolve()))
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  process.exit(code)
}
